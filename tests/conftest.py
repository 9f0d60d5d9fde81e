"""Shared fixtures: temporary databases, a deterministic fake embedder, the real model."""

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

from retrieval.core.answer import AnswerConfig
from retrieval.core.collection import Collection
from retrieval.core.database import Database, open_target
from retrieval.core.embeddings import WordPieceCounter, model_path
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import ArticleWrite, Store
from retrieval.language.translation import Apertium
from retrieval.news.fetch import Fetcher
from retrieval.text.documents import find_files, read_file
from retrieval.text.query import terms
from retrieval.text.raw import RawArticle
from tests.feedserver import FeedServer
from tests.postgres import Databases, server_url

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing content words are similar; no model."""

    name = "fake-bag-of-words"
    dimension = 64
    max_tokens = 254

    def __init__(self) -> None:
        self._counter = WordPieceCounter(model_path())
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised vector per text: the sum of its words' pseudo-random vectors."""
        self.calls += 1
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in terms(text):
                row += _word_vector(word[:6], self.dimension)
            row /= max(float(np.linalg.norm(row)), 1e-9)
        return rows

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces of the real model's tokenizer."""
        return self._counter(texts)


class OtherVariant(FakeEmbedder):
    """Another variant of the fake model: the same kind of vectors, turned by a fixed rotation."""

    name = "fake-bag-of-words@rotated"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The fake's vectors, rotated: close to no vector of the first variant."""
        return np.roll(super().embed(texts), 7, axis=1)


def _word_vector(word: str, dimension: int) -> np.ndarray:
    """A fixed pseudo-random unit vector for a word."""
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def shipped_articles() -> list:
    """The articles shipped in data/articles, read as ingestion reads them."""
    return [item for path in find_files([ARTICLES]) for item in read_file(path)]


def this_weeks_news(collection: Collection) -> None:
    """The shipped articles retold as this week's web news: new titles, links and dates.

    The shipped articles themselves (2006, 2012, undated) are never news in a briefing.
    """
    now = datetime.now(UTC)
    news = [
        replace(
            raw,
            title=f"{raw.title} (this week)",
            published=(now - timedelta(hours=n + 1)).isoformat(timespec="seconds"),
            url=f"https://news.example/{n}",
            origin=None,
        )
        for n, raw in enumerate(shipped_articles())
    ]
    assert collection.ingest(news).added == len(news)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A fresh fake embedder."""
    return FakeEmbedder()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a temporary SQLite file."""
    opened = Store(tmp_path / "test.db")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Databases]:
    """The test server's databases (fails under CI=true, else skips, if there is no server)."""
    databases = Databases(server_url())
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(postgres_databases: Databases) -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL database, dropped after the test."""
    with postgres_databases.fresh() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an empty database is: once a SQLite file, once a PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def database(database_target: str) -> Iterator[Database]:
    """An empty database, once in SQLite and once in PostgreSQL."""
    opened = open_target(database_target)
    yield opened
    opened.close()


def put_article(database: Database, title: str, published: str | None = None, **more: str) -> int:
    """Store a one-sentence article with made-up vectors straight in a database; its id."""
    text = f"{title}, as reported."
    raw = RawArticle(title=title, text=text, published=published, **more)  # type: ignore[arg-type]
    vector = _word_vector(title, 8)[None, :]
    write = ArticleWrite(raw, title, [(0, len(text))], [(0, len(text))], vector, vector, "m")
    return database.write_article(write)


# The fake's similarities run lower than the real model's (by about 0.28): its own thresholds.
FAKE_ANSWER_CONFIG = AnswerConfig(
    min_support=0.27,
    min_answer=0.545,
    pair_support=MappingProxyType({("es", "en"): 0.27, ("en", "es"): 0.27}),
)


@pytest.fixture
def collection(store: Store, fake_embedder: FakeEmbedder) -> Collection:
    """An empty collection with the fake embedder."""
    return Collection(store, fake_embedder, FAKE_ANSWER_CONFIG)


@pytest.fixture
def seeded(collection: Collection) -> Collection:
    """A collection holding the shipped articles, embedded with the fake embedder."""
    report = collection.ingest(shipped_articles())
    assert report.added == 3 and not report.failures
    return collection


@pytest.fixture(scope="session")
def real_embedder() -> OnnxEmbedder:
    """The real all-MiniLM-L6-v2 model (the ONNX build), loaded once; fails, not skips, under CI."""
    try:
        embedder = OnnxEmbedder()
        embedder.load()
    except Exception as error:  # any failure to load means the model cannot run here
        message = f"the embedding model cannot be loaded: {error!r}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return embedder


@pytest.fixture(scope="session")
def real_seeded(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Collection]:
    """The shipped articles embedded with the real model, shared by the model tests."""
    store = Store(tmp_path_factory.mktemp("real") / "real.db")
    collection = Collection(store, real_embedder)
    collection.ingest(shipped_articles())
    yield collection
    store.close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A local HTTP server for feeds and pages, on 127.0.0.1."""
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def fetcher() -> Fetcher:
    """A fetcher allowed to reach the local test server (127.0.0.1) and nothing private else."""
    return Fetcher(allowed_hosts=frozenset({"127.0.0.1"}))


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        """The current (manual) time."""
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward, e.g. advance(minutes=30)."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock starting at 2024-05-01 08:00 UTC."""
    return ManualClock(datetime(2024, 5, 1, 8, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def apertium() -> Iterator[Apertium]:
    """Apertium's English-Spanish translation; fails rather than skips under CI when missing."""
    translator = Apertium()
    problem = translator.missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    yield translator
    translator.close()
