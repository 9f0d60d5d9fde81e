"""A per-person flood limit: at most `limit` questions in any `window` seconds."""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Verdict:
    """Whether to answer; if not, whether to say so (once per burst) and how long to wait."""

    outcome: Literal["answer", "warn", "ignore"]
    wait: float = 0.0


class FloodGate:
    """Counts each person's recent questions; a limit of 0 turns the gate off."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._warned: set[int] = set()
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        """Let a question through, or refuse it: with a warning the first time in a burst."""
        if self.limit <= 0:
            return Verdict("answer")
        now = self.clock()
        self._forget_idle(now)
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - self.window:
            asked.popleft()
        if len(asked) < self.limit:
            asked.append(now)
            self._warned.discard(user_id)
            return Verdict("answer")
        wait = asked[0] + self.window - now
        if user_id in self._warned:
            return Verdict("ignore", wait)
        self._warned.add(user_id)
        return Verdict("warn", wait)

    def _forget_idle(self, now: float) -> None:
        """Now and then, drop people with no question inside the window, to bound memory."""
        self._checks += 1
        if self._checks % 1000:
            return
        idle = [user for user, asked in self._asked.items() if asked[-1] <= now - self.window]
        for user in idle:
            del self._asked[user]
            self._warned.discard(user)
