"""Synthetic stores of a given size: generated articles with stand-in vectors, cached on disk.

The vectors stand in for the model's. Drawn at random, they have none of the structure of real
ones, and an HNSW graph over them works far harder than over real vectors (issue 13: recall 0.12
on random vectors). So when real vectors are at hand (bench.realvectors), each sentence takes a
real sentence vector, nudged by noise so that no two are equal (cosine to it about 0.93): the
graph then sees the geometry of real vectors at any size. The text does not match them, as it
did not match random ones.
"""

import hashlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.corpus import ArticleGenerator, vocabulary
from retrieval.core.embeddings import SentenceTransformerEmbedder
from retrieval.core.indexes import ChunkIndexes, index_folder
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
NOISE = 0.02  # per dimension: a real vector nudged this much keeps a cosine of about 0.93


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


def unit_vectors(
    rng: np.random.Generator, n: int, dimension: int, pool: np.ndarray | None = None
) -> np.ndarray:
    """n L2-normalised float32 vectors: random, or n consecutive ones of a real `pool` (the
    sentences of the same real texts, so an article's chunks hang together) with a little noise.
    """
    if pool is None:
        vectors = rng.standard_normal((n, dimension), dtype=np.float32)
    else:
        first = int(rng.integers(0, len(pool) - n)) if len(pool) > n else 0
        rows = np.arange(first, first + n) % len(pool)
        vectors = pool[rows] + rng.standard_normal((n, dimension), dtype=np.float32) * NOISE
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def write_synthetic(
    store: Store,
    raw: RawArticle,
    rng: np.random.Generator,
    model: str,
    pool: np.ndarray | None = None,
) -> ChunkPlan:
    """Store a generated article with stand-in vectors for `model`'s (see unit_vectors)."""
    plan = plan_chunks(raw.text, approximate_tokens, SentenceTransformerEmbedder.max_tokens)
    dimension = SentenceTransformerEmbedder.dimension
    vectors = unit_vectors(rng, len(plan.sentences), dimension, pool)
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


def synthetic_store(
    chunks: int, model: str, pool: np.ndarray | None = None, rebuild: bool = False
) -> SyntheticStore:
    """A database of at least `chunks` chunks whose vectors pass for `model`'s, built once.

    With a pool of real vectors the stand-ins are drawn from it, else they are random.
    """
    variant = hashlib.sha256(model.encode()).hexdigest()[:6]
    vectors = hashlib.sha256(pool.tobytes()).hexdigest()[:6] if pool is not None else "random"
    path = cache_dir() / f"synthetic-{chunks}-{cache_key()}-{variant}-{vectors}.db"
    info = path.with_suffix(".json")
    if path.exists() and info.exists() and not rebuild:
        return SyntheticStore(path=path, **json.loads(info.read_text()))
    building = path.with_suffix(".building")
    for stale in cache_dir().glob(f"synthetic-{chunks}-*"):  # older versions of this size
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    built = _build(building, chunks, model, pool)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    counts = {"articles": built.articles, "chunks": built.chunks, "sentences": built.sentences}
    info.write_text(json.dumps(counts))
    return SyntheticStore(path=path, seconds=built.seconds, **counts)


def _build(path: Path, chunks: int, model: str, pool: np.ndarray | None) -> SyntheticStore:
    """Write generated articles with stand-in vectors until the store holds `chunks` chunks."""
    started = time.perf_counter()
    store = Store(path)
    generator = ArticleGenerator(vocabulary(), seed=SEED)
    rng = np.random.default_rng(SEED)
    articles = made = sentences = 0
    while made < chunks:
        with store.transaction():  # write_article nests as a savepoint: one commit per batch
            for _ in range(ARTICLES_PER_TRANSACTION):
                plan = write_synthetic(store, generator.article(articles), rng, model, pool)
                articles, made = articles + 1, made + len(plan.chunks)
                sentences += len(plan.sentences)
                if made >= chunks:
                    break
        print(f"  built {made:,}/{chunks:,} chunks", end="\r", file=sys.stderr, flush=True)
    store.close()
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    return SyntheticStore(path, articles, made, sentences, seconds)


def prepare_indexes(store: SyntheticStore, model: str) -> tuple[float, bool]:
    """Load the store's search indexes (built and saved the first time): seconds, and if built."""
    built = not (index_folder(store.path) / "manifest.json").exists()
    started = time.perf_counter()
    opened = Store(store.path)
    dimension = SentenceTransformerEmbedder.dimension
    indexes = ChunkIndexes(opened, model, dimension, index_folder(store.path))
    indexes.refresh()
    seconds = time.perf_counter() - started
    opened.close()
    return seconds, built


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
