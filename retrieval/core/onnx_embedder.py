"""all-MiniLM-L6-v2 through ONNX Runtime: tokenizers, the exported model, mean pooling, L2 norm."""

import json
import logging
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from retrieval.core.config import EmbedderUnavailable
from retrieval.core.embeddings import MODEL_NAME, model_path

log = logging.getLogger(__name__)

Variant = Literal["int8", "fp32"]
VARIANTS: tuple[Variant, ...] = ("int8", "fp32")
MANIFEST = "manifest.json"
MAX_SEQUENCE = 256  # the model's window, special tokens included


def default_model_dir() -> Path:
    """Where `make install` builds the ONNX files: inside the environment, outside git."""
    return Path(sys.prefix) / "share" / "cyberbrief" / "onnx"


def variant_file(directory: Path, variant: Variant) -> Path:
    """The ONNX file of one variant in a build directory."""
    return directory / f"model-{variant}.onnx"


def variant_name(variant: Variant) -> str:
    """The name the store records with every vector this variant makes."""
    return f"{MODEL_NAME}@onnx-{variant}"


@dataclass(frozen=True)
class Build:
    """What the install-time build chose: the variant to use by default, and why."""

    variant: Variant
    reason: str

    @classmethod
    def read(cls, directory: Path) -> "Build":
        """The build's manifest, or EmbedderUnavailable saying how to build it."""
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            return cls(manifest["variant"], manifest["reason"])
        except (OSError, ValueError, KeyError) as error:
            raise EmbedderUnavailable(
                f"the ONNX model is not built in {directory}: run `make install` "
                f"(or `python -m retrieval.core.model_build {directory}`)"
            ) from error


def session(path: Path, threads: int) -> ort.InferenceSession:
    """An ONNX Runtime session on the CPU with `threads` intra-op threads that never spin idle."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # The build saved the optimised graph (model_build.optimise): opening it is twice as fast.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    # Spinning workers would fight the other requests' threads for the cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def usable_cores() -> int:
    """How many cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def window(ids: list[int]) -> list[int]:
    """[CLS] pieces [SEP] cut to the model's window: the first pieces, then [SEP] again."""
    return ids if len(ids) <= MAX_SEQUENCE else [*ids[: MAX_SEQUENCE - 1], ids[-1]]


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each text's token vectors averaged over its real tokens, then L2-normalised."""
    weights = mask[..., None].astype(np.float32)
    means = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxEmbedder:
    """The exported model run by ONNX Runtime: one thread per request, every core for batches.

    A request (a question, a few texts) runs on the calling thread alone, so concurrent requests
    each get a core; more than `request_texts` texts at once (ingest) use every core.
    """

    dimension = 384
    max_tokens = MAX_SEQUENCE - 2  # less [CLS] and [SEP]

    def __init__(
        self,
        variant: Variant | None = None,
        directory: Path | None = None,
        batch_size: int = 32,
        request_texts: int = 16,
    ) -> None:
        self.directory = directory or default_model_dir()
        self.variant: Variant = variant or Build.read(self.directory).variant
        self.name = variant_name(self.variant)
        self._batch_size = batch_size
        self._request_texts = request_texts
        self._lock = threading.Lock()
        self._sessions: dict[int, ort.InferenceSession] = {}

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        """One tokenizer, untruncated, counts word pieces and feeds the model (cut by `window`).

        Loaded on first use: commands that never embed (feeds, briefings) skip it.
        """
        tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def _session(self, threads: int) -> ort.InferenceSession:
        """The session with this many threads, made on first use (sessions are thread-safe)."""
        with self._lock:
            if threads not in self._sessions:
                self._sessions[threads] = self._open(threads)
            return self._sessions[threads]

    def _open(self, threads: int) -> ort.InferenceSession:
        """Open the variant's file."""
        path = variant_file(self.directory, self.variant)
        try:
            return session(path, threads)
        except Exception as error:  # ONNX Runtime raises its own untyped failures
            raise EmbedderUnavailable(f"cannot load {path}: {error}") from error

    def load(self) -> None:
        """Load the tokenizer and open the request session now, not on the first question."""
        _ = self._tokenizer
        self._session(1)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        threads = 1 if len(texts) <= self._request_texts else usable_cores()
        model = self._session(threads)
        pieces = [window(e.ids) for e in self._tokenizer.encode_batch(list(texts))]
        # Texts of similar length share a batch, so little of each batch is padding.
        order = sorted(range(len(texts)), key=lambda i: len(pieces[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            width = max(len(pieces[i]) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for n, i in enumerate(rows):
                ids[n, : len(pieces[i])] = pieces[i]
                mask[n, : len(pieces[i])] = 1
            (hidden,) = model.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            vectors[rows] = mean_pooled(hidden, mask)
        return vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Return how many word pieces each text takes, without special tokens."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]
