"""Embedding questions from many threads in shared batches."""

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from retrieval.conversations.batching import EmbeddingBatcher
from tests.conftest import FakeEmbedder


class SlowEmbedder(FakeEmbedder):
    """The fake embedder, slow enough for callers to queue up, recording its batch sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []
        self.fail = False

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Record the batch, wait a little, then embed (or fail)."""
        self.batches.append(len(texts))
        time.sleep(0.02)
        if self.fail:
            raise RuntimeError("model crashed")
        return super().embed(texts)


def test_concurrent_texts_share_batches_and_get_their_own_vectors() -> None:
    embedder = SlowEmbedder()
    batcher = EmbeddingBatcher(embedder, max_batch=8)
    texts = [f"question number {n} about cartels" for n in range(40)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        vectors = list(pool.map(batcher.embed, texts))
    expected = FakeEmbedder().embed(texts)
    assert np.allclose(np.stack(vectors), expected)
    assert sum(embedder.batches) == 40 and len(embedder.batches) < 40
    assert max(embedder.batches) <= 8


def test_a_lone_text_is_embedded_at_once() -> None:
    embedder = SlowEmbedder()
    started = time.perf_counter()
    EmbeddingBatcher(embedder).embed("just one")
    assert embedder.batches == [1] and time.perf_counter() - started < 1


def test_an_error_reaches_every_caller_and_the_batcher_recovers() -> None:
    embedder = SlowEmbedder()
    batcher = EmbeddingBatcher(embedder)
    embedder.fail = True
    errors: list[Exception] = []

    def call() -> None:
        try:
            batcher.embed("x")
        except RuntimeError as error:
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 5
    embedder.fail = False
    assert batcher.embed("y").shape == (64,)
    with pytest.raises(RuntimeError):
        embedder.fail = True
        batcher.embed("z")


def test_several_texts_of_one_caller_come_back_in_order() -> None:
    embedder = SlowEmbedder()
    batcher = EmbeddingBatcher(embedder, max_batch=4)
    texts = [f"phrase {n} of a follow-up" for n in range(10)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        many = pool.submit(batcher.embed_all, texts)
        ones = list(pool.map(batcher.embed, ["other question"] * 6))
    assert np.allclose(many.result(), FakeEmbedder().embed(texts))
    assert np.allclose(np.stack(ones), FakeEmbedder().embed(["other question"] * 6))
    assert max(embedder.batches) <= 4 and batcher.embed_all([]).shape == (0, 64)
