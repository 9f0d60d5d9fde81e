"""A per-person flood limit shared by every worker: at most `limit` questions in any `window`."""

import asyncio
import time
from collections.abc import Callable

from retrieval.workers.flood import FloodLimit, Verdict
from retrieval.workers.store import WorkerStore

__all__ = ["FloodGate", "Verdict"]


class FloodGate:
    """Counts each person's recent questions in the database; a limit of 0 turns it off."""

    def __init__(
        self,
        name: str,
        limit: int,
        window: float,
        workers: WorkerStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.limit = FloodLimit(limit, window)
        self.workers = workers
        self.clock = clock

    async def check(self, user_id: int) -> Verdict:
        """Let a question through, or refuse it: with a warning the first time in a burst."""
        if self.limit.limit <= 0:
            return Verdict("answer")
        return await asyncio.to_thread(
            self.workers.admit, self.name, user_id, self.clock(), self.limit
        )
