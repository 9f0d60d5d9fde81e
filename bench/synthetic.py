"""Synthetic stores of a given size: generated articles with random unit vectors, cached on disk."""

import hashlib
import inspect
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.corpus import ArticleGenerator, vocabulary
from retrieval.core.embeddings import SentenceTransformerEmbedder
from retrieval.core.ingest import chunk_vectors, content_hash
from retrieval.core.store import ArticleWrite, Store
from retrieval.text.chunking import ChunkPlan, plan_chunks
from retrieval.text.documents import RawArticle

# A cached store is rebuilt when what decides its contents changes: the schema, the store's
# write path, sentence splitting and chunking, or the generator.
SOURCES = (
    "retrieval/core/migrations.py",
    "retrieval/text/chunking.py",
    "retrieval/text/sentences.py",
    "bench/corpus.py",
    "bench/synthetic.py",
)
WRITE_PATH = ("write_article", "_insert_parts")
PROJECT = Path(__file__).resolve().parent.parent
ARTICLES_PER_TRANSACTION = 250
SEED = 7


@dataclass(frozen=True)
class SyntheticStore:
    """A cached synthetic database and what it holds; `seconds` is None when it was cached."""

    path: Path
    articles: int
    chunks: int
    sentences: int
    seconds: float | None = None


def cache_dir() -> Path:
    """Where synthetic stores are kept: $CYBERBRIEF_BENCH_CACHE, else $TMPDIR/cyberbrief-bench."""
    default = Path(tempfile.gettempdir()) / "cyberbrief-bench"
    return Path(os.environ.get("CYBERBRIEF_BENCH_CACHE") or default)


def cache_key() -> str:
    """A short hash of the code that decides what a synthetic store holds."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((PROJECT / name).read_bytes())
    for method in WRITE_PATH:
        if hasattr(Store, method):
            digest.update(inspect.getsource(getattr(Store, method)).encode())
    return digest.hexdigest()[:10]


def approximate_tokens(texts: Sequence[str]) -> list[int]:
    """Word pieces estimated at 1.3 per word, as in English news (counting them is slow)."""
    return [(text.count(" ") + 1) * 13 // 10 for text in texts]


def unit_vectors(rng: np.random.Generator, n: int, dimension: int) -> np.ndarray:
    """n random L2-normalised float32 vectors."""
    vectors = rng.standard_normal((n, dimension), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def write_synthetic(
    store: Store, raw: RawArticle, rng: np.random.Generator, model: str
) -> ChunkPlan:
    """Store a generated article with random unit vectors standing in for `model`'s."""
    plan = plan_chunks(raw.text, approximate_tokens, SentenceTransformerEmbedder.max_tokens)
    vectors = unit_vectors(rng, len(plan.sentences), SentenceTransformerEmbedder.dimension)
    store.write_article(
        ArticleWrite(
            raw=raw,
            content_hash=content_hash(raw),
            chunks=plan.chunk_spans(),
            sentences=plan.sentences,
            chunk_vectors=chunk_vectors(plan, vectors),
            sentence_vectors=vectors,
            model=model,
        )
    )
    return plan


def synthetic_store(chunks: int, model: str, rebuild: bool = False) -> SyntheticStore:
    """A database of at least `chunks` chunks whose vectors pass for `model`'s, built once."""
    variant = hashlib.sha256(model.encode()).hexdigest()[:6]
    path = cache_dir() / f"synthetic-{chunks}-{cache_key()}-{variant}.db"
    info = path.with_suffix(".json")
    if path.exists() and info.exists() and not rebuild:
        return SyntheticStore(path=path, **json.loads(info.read_text()))
    building = path.with_suffix(".building")
    for stale in cache_dir().glob(f"synthetic-{chunks}-*"):  # older versions of this size
        stale.unlink()
    built = _build(building, chunks, model)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    counts = {"articles": built.articles, "chunks": built.chunks, "sentences": built.sentences}
    info.write_text(json.dumps(counts))
    return SyntheticStore(path=path, seconds=built.seconds, **counts)


def _build(path: Path, chunks: int, model: str) -> SyntheticStore:
    """Write generated articles with random vectors until the store holds `chunks` chunks."""
    started = time.perf_counter()
    store = Store(path)
    generator = ArticleGenerator(vocabulary(), seed=SEED)
    rng = np.random.default_rng(SEED)
    articles = made = sentences = 0
    while made < chunks:
        with store.transaction():  # write_article nests as a savepoint: one commit per batch
            for _ in range(ARTICLES_PER_TRANSACTION):
                plan = write_synthetic(store, generator.article(articles), rng, model)
                articles, made = articles + 1, made + len(plan.chunks)
                sentences += len(plan.sentences)
                if made >= chunks:
                    break
        print(f"  built {made:,}/{chunks:,} chunks", end="\r", file=sys.stderr, flush=True)
    store.close()
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    return SyntheticStore(path, articles, made, sentences, seconds)


def describe(store: SyntheticStore) -> str:
    """One line on where a synthetic store came from."""
    counts = asdict(store)
    if store.seconds is None:
        return "{chunks:,} chunks, {articles:,} articles, {sentences:,} sentences (cached)".format(
            **counts
        )
    return (
        "{chunks:,} chunks, {articles:,} articles, {sentences:,} sentences, "
        "built in {seconds:.1f} s".format(**counts)
        + f" ({store.chunks / store.seconds:,.0f} chunks/s)"
    )
