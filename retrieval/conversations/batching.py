"""Questions asked at the same moment, embedded together: one model call serves many people."""

import threading
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
        slot = _Slot(text)
        with self._changed:
            self._pending.append(slot)
        while True:
            with self._changed:
                while self._busy and not slot.done:
                    self._changed.wait()
                if slot.done:
                    break
                self._busy = True
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
            self._run(batch)
        if slot.error is not None:
            raise slot.error
        assert slot.vector is not None
        return slot.vector

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
