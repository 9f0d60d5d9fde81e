"""The feeds followed and their items, as values; the interface of their store."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

DEFAULT_INTERVAL = 15  # minutes between polls of a feed
MAX_BACKOFF = timedelta(hours=24)


class FeedNotFound(LookupError):
    """No feed has the given id."""


@dataclass(frozen=True)
class FeedRecord:
    """A followed feed and how its last polls went."""

    id: int
    url: str
    title: str | None
    interval_minutes: int
    etag: str | None
    last_modified: str | None
    last_polled_at: str | None
    next_poll_at: str
    last_error: str | None
    errors: int


COLUMNS = (
    "id, url, title, interval_minutes, etag, last_modified, last_polled_at, next_poll_at, "
    "last_error, errors"
)


class FeedStore(Protocol):
    """Feeds and feed items: which feeds to poll when, and which items are already stored."""

    def add(
        self, url: str, interval_minutes: int = DEFAULT_INTERVAL, added_by: int | None = None
    ) -> tuple[FeedRecord, bool]:
        """Follow a feed (due at once); returns it and whether it is new."""

    def by_url(self, url: str) -> FeedRecord:
        """A followed feed by its URL."""

    def get(self, feed_id: int) -> FeedRecord:
        """A followed feed by id."""

    def all(self) -> list[FeedRecord]:
        """Every followed feed, oldest first."""

    def due(self, now: datetime) -> list[FeedRecord]:
        """The feeds whose next poll time has come."""

    def remove(self, feed_id: int) -> FeedRecord:
        """Stop following a feed; its stored articles stay."""

    def polled(
        self,
        feed: FeedRecord,
        now: datetime,
        *,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        warning: str | None = None,
    ) -> None:
        """Record a successful poll: validators for the next one, errors cleared."""

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""

    def item_hashes(self, feed_id: int) -> dict[str, str]:
        """Each stored item of a feed, as guid -> hash of what the feed said about it."""

    def record_item(
        self, feed_id: int, guid: str, url: str | None, item_hash: str, article_id: int
    ) -> None:
        """Remember that a feed item is stored as an article."""


def iso(moment: datetime) -> str:
    """An aware datetime as stored: ISO 8601 to the second."""
    return moment.isoformat(timespec="seconds")


def backoff(feed: FeedRecord) -> tuple[int, timedelta]:
    """A failed feed's error count and how long to wait: the interval doubled per error."""
    errors = feed.errors + 1
    return errors, min(timedelta(minutes=feed.interval_minutes) * 2**errors, MAX_BACKOFF)
