"""Sending slots under rate limits, as the generic cell rate algorithm reckons them (pure)."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """`count` sends per `seconds` at the steady rate, and a burst of `count` after a pause.

    A leaky bucket, as python-telegram-bot's own AIORateLimiter reckons Telegram's limits.
    """

    count: int
    seconds: float

    @property
    def interval(self) -> float:
        """Seconds between sends at the steady rate."""
        return self.seconds / self.count

    @property
    def tolerance(self) -> float:
        """How far ahead of now a key's schedule may run before a send has to wait."""
        return self.seconds - self.interval


def reserve(
    schedule: Mapping[str, float], limits: Mapping[str, Limit], now: float
) -> tuple[float, dict[str, float]]:
    """When a send limited by every key in `limits` may go, and each key's schedule after it.

    `schedule` holds each key's theoretical arrival time (epoch seconds; missing: idle). The
    send goes at the earliest moment no key's limit forbids, and takes its slot in all of them.
    """
    start = max(
        [
            now,
            *(max(schedule.get(key, now), now) - limit.tolerance for key, limit in limits.items()),
        ]
    )
    after = {
        key: max(schedule.get(key, start), start) + limit.interval for key, limit in limits.items()
    }
    return start, after
