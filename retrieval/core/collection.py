"""A collection of articles: the store with its search, answering and ingestion wired together."""

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
from retrieval.core.models import Answer, Mode, Outlet
from retrieval.core.reembed import Reembedder
from retrieval.core.search import Searcher, SearchResult
from retrieval.core.store import Filters
from retrieval.core.variants import configured_embedder
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
        self, store: Database, embedder: Embedder, answer_config: AnswerConfig = AnswerConfig()
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.searcher = Searcher(store, embedder)
        self.answerer = Answerer(self.searcher, answer_config, open_vocabulary(store))

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
        """Close the database."""
        self.store.close()

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
        reembedder = Reembedder(self.store, self.embedder)
        stale = reembedder.stale()
        reembedded = reembedder.run(progress(stale) if progress else stale) if stale else 0
        report = Ingestor(self.store, self.embedder).ingest(items, on_item)
        report.reembedded = reembedded
        self.searcher.checkpoint()
        return report

    def search(
        self, query: str, k: int = 10, filters: Filters = Filters(), mode: Mode = "hybrid"
    ) -> SearchResult:
        """The k best chunks for a query."""
        return self.searcher.search(query, k, filters, mode)

    def ask(
        self,
        question: str,
        filters: Filters = Filters(),
        vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer with verbatim quotes, or abstain saying what the articles do not cover."""
        return self.answerer.ask(question, filters, vector)

    def more(self, question: str, shown: AbstractSet[tuple[int, int]]) -> More:
        """The next quotes answering a question, leaving out those shown (article id, start)."""
        return self.answerer.more(question, shown)

    def vocabulary(self) -> Vocabulary:
        """The collection's indexed terms (stems) with how many chunks hold each (for spelling)."""
        return self.searcher.vocabulary()

    def summary(self) -> Summary:
        """How many articles, from which outlets, and the newest date."""
        return Summary(*self.store.collection_summary())

    def outlets(self) -> list[Outlet]:
        """Every outlet with its article count and date range, the biggest first."""
        return self.store.outlets()
