"""A collection of articles: the store with its search, answering and ingestion wired together."""

import threading
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from retrieval.core.answer import AnswerConfig, Answerer, More
from retrieval.core.config import Settings
from retrieval.core.database import Database, open_database, open_vocabulary
from retrieval.core.embeddings import Embedder
from retrieval.core.ingest import Ingestor, IngestReport
from retrieval.core.keyword import Vocabulary
from retrieval.core.lexicon_store import Lexicon
from retrieval.core.models import Answer, Mode, Outlet
from retrieval.core.questions import Query, QuestionReader
from retrieval.core.reembed import Reembedder
from retrieval.core.search import Searcher, SearchResult
from retrieval.core.store import Filters
from retrieval.core.variants import configured_embedder
from retrieval.language.detection import Language
from retrieval.language.translation import Apertium
from retrieval.text.raw import Failure, RawArticle

# Wraps the ids of the articles to re-embed, e.g. in a progress bar; must yield each of them.
Progress = Callable[[list[int]], Iterable[int]]


@dataclass(frozen=True)
class Summary:
    """What a collection holds, for people."""

    articles: int
    outlets: list[str]
    newest: str | None


class Collection:
    """The entry point for callers: ingest, search and ask over one store."""

    def __init__(
        self,
        store: Database,
        embedder: Embedder,
        answer_config: AnswerConfig = AnswerConfig(),
        translator: Apertium | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.translator = translator or Apertium()
        self.searcher = Searcher(store, embedder)
        self.answerer = Answerer(
            self.searcher, answer_config, open_vocabulary(store), self.translator
        )
        self.lexicon = Lexicon(store, self.searcher.vocabulary)
        self.reader = QuestionReader(self.translator, self.languages, self.lexicon)
        self._languages: tuple[int, frozenset[str]] = (-1, frozenset())
        self._languages_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Collection":
        """Open the collection in the configured database with the configured (ONNX) model."""
        embedder = embedder or configured_embedder(settings)
        return cls(open_database(settings), embedder)

    def stale_articles(self) -> list[int]:
        """Articles embedded by another model variant: searched by keywords only until the next
        ingest re-embeds them."""
        return Reembedder(self.store, self.embedder).stale()

    def close(self) -> None:
        """Close the database and stop the translator."""
        self.store.close()
        self.translator.close()

    def ingest(
        self,
        items: Iterable[RawArticle | Failure],
        on_item: Callable[[], None] | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Re-embed articles another model variant embedded, then store the new articles.

        Already stored articles are skipped and changed ones updated; `progress` wraps the ids
        of the articles being re-embedded. The search indexes are then merged and saved.
        """
        reembedder = Reembedder(self.store, self.embedder, self.translator)
        stale = reembedder.stale()
        reembedded = reembedder.run(progress(stale) if progress else stale) if stale else 0
        report = Ingestor(self.store, self.embedder, self.translator).ingest(items, on_item)
        report.reembedded = reembedded
        self.searcher.checkpoint()
        return report

    def languages(self) -> frozenset[str]:
        """The languages of the stored articles, looked up again only after articles change."""
        generation = self.store.generation()
        with self._languages_lock:
            if self._languages[0] != generation:
                self._languages = (generation, self.lexicon.languages())
            return self._languages[1]

    def read(self, question: str, hint: Language | None = None) -> Query:
        """A question read for search: its language detected (`hint`: the asker's), translated."""
        return self.reader.read(question, hint)

    def search(
        self,
        query: str | Query,
        k: int = 10,
        filters: Filters = Filters(),
        mode: Mode = "hybrid",
        hint: Language | None = None,
    ) -> SearchResult:
        """The k best chunks for a query in English or Spanish."""
        query = query if isinstance(query, Query) else self.read(query, hint)
        return self.searcher.search(query, k, filters, mode)

    def ask(
        self,
        question: str | Query,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
        hint: Language | None = None,
    ) -> Answer:
        """Answer with verbatim quotes, or abstain saying what the articles do not cover.

        A question in English or Spanish is read in its language (`hint`: the asker's own
        language, for questions too short to tell); pass `vector` if its meaning is embedded.
        """
        query = question if isinstance(question, Query) else self.read(question, hint)
        return self.answerer.ask(query, filters, vector)

    def more(
        self,
        question: str | Query,
        shown: AbstractSet[tuple[int, int]],
        hint: Language | None = None,
    ) -> More:
        """The next quotes answering a question, leaving out those shown (article id, start)."""
        query = question if isinstance(question, Query) else self.read(question, hint)
        return self.answerer.more(query, shown)

    def translate(self, texts: list[str], source: str, target: Language) -> list[str]:
        """Machine translations of texts (labelled as such wherever shown; never quotes)."""
        return self.translator.translate(texts, source, target)  # type: ignore[arg-type]

    def vocabulary(self) -> Vocabulary:
        """The collection's indexed terms (stems) with how many chunks hold each (for spelling)."""
        return self.searcher.vocabulary()

    def summary(self) -> Summary:
        """How many articles, from which outlets, and the newest date."""
        return Summary(*self.store.collection_summary())

    def outlets(self) -> list[Outlet]:
        """Every outlet with its article count and date range, the biggest first."""
        return self.store.outlets()
