"""The per-person flood limit: at most `limit` questions in any `window` seconds (pure)."""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Verdict:
    """Whether to answer; if not, whether to say so (once per burst) and how long to wait."""

    outcome: Literal["answer", "warn", "ignore"]
    wait: float = 0.0


@dataclass(frozen=True)
class FloodLimit:
    """At most `limit` questions in any `window` seconds; a limit of 0 turns it off."""

    limit: int
    window: float


@dataclass(frozen=True)
class FloodState:
    """What the limit remembers of one person: the times of their questions in the window,
    and whether they were told to wait in the current burst."""

    asked: tuple[float, ...] = ()
    warned: bool = False


def admit(state: FloodState, now: float, limit: FloodLimit) -> tuple[Verdict, FloodState]:
    """Let a question through, or refuse it (with a warning the first time in a burst)."""
    if limit.limit <= 0:
        return Verdict("answer"), state
    asked = tuple(sorted(moment for moment in state.asked if moment > now - limit.window))
    if len(asked) < limit.limit:
        return Verdict("answer"), FloodState((*asked, now), warned=False)
    wait = asked[0] + limit.window - now
    return Verdict("ignore" if state.warned else "warn", wait), FloodState(asked, warned=True)
