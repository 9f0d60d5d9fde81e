"""Questions asked at the same moment, embedded together: one model call serves many people."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.core.embeddings import Embedder


@dataclass
class _Slot:
    """One text waiting for its vector."""

    text: str
    vector: np.ndarray | None = None
    error: Exception | None = None
    done: bool = False


class EmbeddingBatcher:
    """Embeds texts from many threads; texts that arrive while the model is busy share a batch.

    No extra thread and no waiting for a batch to fill: the first caller embeds at once, and
    whoever finds the model free next embeds everything queued meanwhile (up to `max_batch`).
    """

    def __init__(self, embedder: Embedder, max_batch: int = 16) -> None:
        self.embedder = embedder
        self.max_batch = max_batch
        self._pending: list[_Slot] = []
        self._busy = False
        self._changed = threading.Condition()

    def embed(self, text: str) -> np.ndarray:
        """The text's vector, computed in a batch with the texts of other threads waiting now."""
        return self.embed_all([text])[0]

    def embed_all(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text, the texts queued together and batched with other threads'."""
        slots = [_Slot(text) for text in texts]
        with self._changed:
            self._pending.extend(slots)
        while True:
            with self._changed:
                while self._busy and not all(slot.done for slot in slots):
                    self._changed.wait()
                if all(slot.done for slot in slots):
                    break
                self._busy = True
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
            self._run(batch)
        for slot in slots:
            if slot.error is not None:
                raise slot.error
        if not slots:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([slot.vector for slot in slots if slot.vector is not None])

    def _run(self, batch: list[_Slot]) -> None:
        """Embed one batch, hand out the vectors (or the error), and free the model."""
        try:
            vectors = self.embedder.embed([slot.text for slot in batch])
            error = None
        except Exception as failure:  # every waiter in the batch gets it
            vectors, error = None, failure
        with self._changed:
            for n, slot in enumerate(batch):
                slot.vector = vectors[n] if vectors is not None else None
                slot.error, slot.done = error, True
            self._busy = False
            self._changed.notify_all()
