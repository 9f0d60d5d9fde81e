"""The interface of the workers' shared state, on either backend."""

from collections.abc import Mapping
from typing import Protocol

from retrieval.workers.flood import FloodLimit, Verdict
from retrieval.workers.slots import Limit

KEEP_UPDATES = 24 * 60 * 60  # seconds an update id is remembered (Telegram retries for less)


class WorkerStore(Protocol):
    """Updates seen, sending schedules and flood counts, shared by every worker."""

    def first_sight(self, bot_id: int, update_id: int, now: float) -> bool:
        """Remember a bot's update; False if a worker has seen it already (it came again)."""

    def reserve(self, limits: Mapping[str, Limit], now: float) -> float:
        """Take the next sending slot under every limit; when (epoch seconds) it comes."""

    def admit(self, gate: str, user_id: int, now: float, limit: FloodLimit) -> Verdict:
        """Count a person's question at a gate ("questions", "briefings") against the limit."""
