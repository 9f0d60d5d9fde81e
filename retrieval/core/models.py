"""Value objects passed between the retrieval layer's modules and its callers."""

from dataclasses import dataclass, field
from typing import Literal

from retrieval.language.messages import _

Coverage = Literal["full", "partial", "none"]
Mode = Literal["hybrid", "bm25", "dense"]  # how search ranks: both fused, keywords, meaning
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class Article:
    """A stored article."""

    id: int
    title: str
    text: str
    source: str | None
    published: str | None
    url: str | None
    language: str | None
    content_hash: str
    ingested_at: str


@dataclass(frozen=True)
class ChunkText:
    """A stored chunk's text, with its article's title and language, for keyword indexing."""

    chunk_id: int
    article_id: int
    language: str | None
    title: str
    text: str


@dataclass(frozen=True)
class Outlet:
    """An outlet of the stored articles: how many, first and last publication dates."""

    name: str
    articles: int
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True)
class Hit:
    """A chunk found by search, with its fused score and the scores it was fused from."""

    chunk_id: int
    article_id: int
    start: int
    end: int
    score: float
    bm25: float = 0.0
    dense: float = 0.0


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a stored article: `text == article.text[start:end]`."""

    article_id: int
    title: str
    source: str | None
    published: str | None
    url: str | None
    text: str
    start: int
    end: int
    score: float
    language: str | None = None  # the article's


def quote_of(article: Article, start: int, end: int, score: float = 0.0) -> Quote:
    """The verbatim quote of a span of a stored article."""
    return Quote(
        article.id,
        article.title,
        article.source,
        article.published,
        article.url,
        article.text[start:end],
        start,
        end,
        score,
        article.language,
    )


@dataclass(frozen=True)
class Answer:
    """Quoted sentences answering a question, or an abstention with the closest articles."""

    question: str
    quotes: tuple[Quote, ...]
    abstained: bool
    related: tuple[Quote, ...] = field(default=())
    # How far the quotes cover what the question asks: "partial" and "none" are not answers;
    # then `related` holds the closest passages, as reading, and `missing` what nothing covers.
    coverage: Coverage = "full"
    covered: tuple[str, ...] = ()  # the question's key words the articles do mention
    missing: tuple[str, ...] = ()  # the question's key words no quoted sentence covers
    searched: str | None = None  # the query searched, when it differs (e.g. typos corrected)
    language: str = "en"  # the question's
    # Machine translations of the quotes into the question's language, where an article is in
    # another (None where not): labelled as such wherever shown, never presented as quotes.
    translations: tuple[str | None, ...] = ()

    @property
    def answered(self) -> bool:
        """Whether the quotes answer the question: neither an abstention nor partly covered."""
        return not self.abstained and self.coverage == "full"

    @property
    def reading(self) -> tuple[Quote, ...]:
        """What is shown when the question is not answered: the closest passages, each once."""
        seen = {(q.article_id, q.start) for q in self.related}
        return (*self.related, *(q for q in self.quotes if (q.article_id, q.start) not in seen))

    @property
    def text(self) -> str:
        """The short answer: the quotes joined, each followed by its citation number."""
        if self.abstained:
            return _("The stored articles don't cover this question.")
        return " ".join(f"{quote.text} [{n}]" for n, quote in enumerate(self.quotes, 1))
