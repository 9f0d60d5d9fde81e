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
    last_warning: str | None = None  # what the last successful poll had to skip or cut


@dataclass(frozen=True)
class ItemState:
    """What is remembered of a feed item: what the feed said, and retries of its page."""

    item_hash: str
    page_errors: int
    page_retry_at: str | None


COLUMNS = (
    "id, url, title, interval_minutes, etag, last_modified, last_polled_at, next_poll_at, "
    "last_error, errors, last_warning"
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

    def claim_due(self, now: datetime, lease: timedelta) -> list[FeedRecord]:
        """The feeds whose time has come, claimed: other processes leave them alone for `lease`."""

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
        unchanged: bool = False,
    ) -> None:
        """Record a successful poll: validators for the next one, errors cleared.

        The warning replaces the last one, except after an unchanged feed, which keeps it.
        """

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""

    def items(self, feed_id: int) -> dict[str, ItemState]:
        """Each stored item of a feed by guid: the hash of what the feed said, page retries."""

    def page_retry_due(self, feed_id: int, now: datetime) -> bool:
        """Whether an item of a feed waits for another try at its page, and its time has come."""

    def record_item(
        self,
        feed_id: int,
        guid: str,
        url: str | None,
        item_hash: str,
        article_id: int,
        page: tuple[int, datetime] | None = None,
    ) -> None:
        """Remember that a feed item is stored as an article; `page`: (errors, next try) if due."""


def iso(moment: datetime) -> str:
    """An aware datetime as stored: ISO 8601 to the second."""
    return moment.isoformat(timespec="seconds")


def backoff(feed: FeedRecord, stored_errors: int | None) -> tuple[int, timedelta]:
    """A failed feed's error count and how long to wait: the interval doubled per error.

    Counted from the errors stored (another process may have failed since `feed` was read).
    """
    errors = (feed.errors if stored_errors is None else stored_errors) + 1
    return errors, min(timedelta(minutes=feed.interval_minutes) * 2**errors, MAX_BACKOFF)
