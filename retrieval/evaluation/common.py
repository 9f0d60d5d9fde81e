"""What every evaluation shares: a collection built from a data set, and rankings of articles."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from retrieval.core.collection import Collection
from retrieval.core.database import open_target
from retrieval.core.embeddings import Embedder
from retrieval.core.ingest import content_hash
from retrieval.core.search import SearchResult
from retrieval.text.documents import RawArticle

T = TypeVar("T")


class Progress(Protocol):
    """Passes items through, showing how far a long step has gone (`what` names the step)."""

    def __call__(self, items: Iterable[T], total: int, what: str) -> Iterable[T]:
        """The same items, one by one."""
        ...


def quietly(items: Iterable[T], total: int, what: str) -> Iterable[T]:
    """No progress shown."""
    return items


def load_collection(
    articles: list[RawArticle],
    embedder: Embedder,
    db: Path | str,
    progress: Progress = quietly,
) -> tuple[Collection, dict[str, int]]:
    """A collection holding the articles (in a SQLite file or a PostgreSQL database's URL),
    and the article id of each origin."""
    collection = Collection(open_target(db), embedder)
    collection.ingest(progress(articles, len(articles), "storing"))
    ids: dict[str, int] = {}
    for raw in articles:
        key = collection.store.find_key(origin=raw.origin) or collection.store.find_key(
            content_hash=content_hash(raw)
        )  # a paragraph that repeats another is stored once
        if key and raw.origin:
            ids[raw.origin] = key.id
    return collection, ids


def article_ranking(result: SearchResult) -> list[int]:
    """Article ids in order of their best chunk, each once."""
    return list(dict.fromkeys(hit.article_id for hit in result.hits))


@dataclass(frozen=True)
class SquadQuestion:
    """A SQuAD question, its paragraph's origin, its article's title and its gold answers."""

    text: str
    origin: str
    topic: str
    answers: tuple[str, ...]
