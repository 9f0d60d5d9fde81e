"""The feeds followed and the items seen in each, in SQLite."""

from datetime import datetime, timedelta

from retrieval.core.store import Store, utc_now
from retrieval.news.store.records import (
    COLUMNS,
    DEFAULT_INTERVAL,
    FeedNotFound,
    FeedRecord,
    backoff,
)
from retrieval.text.urls import canonical_url


class SqliteFeedStore:
    """Feeds and feed items, in a SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, url: str, interval_minutes: int = DEFAULT_INTERVAL, added_by: int | None = None
    ) -> tuple[FeedRecord, bool]:
        """Follow a feed (due at once); returns it and whether it is new."""
        url = canonical_url(url)
        with self.store.transaction() as db:
            existing = db.execute(f"SELECT {COLUMNS} FROM feeds WHERE url = ?", [url]).fetchall()
            if existing:
                return FeedRecord(*existing[0]), False
            db.table("feeds").insert(
                {
                    "url": url,
                    "interval_minutes": interval_minutes,
                    "errors": 0,
                    "added_by": added_by,
                    "added_at": utc_now(),
                    "next_poll_at": "",
                }
            )
        return self.by_url(url), True

    def by_url(self, url: str) -> FeedRecord:
        """A followed feed by its URL."""
        rows = self.store.rows(f"SELECT {COLUMNS} FROM feeds WHERE url = ?", [canonical_url(url)])
        if not rows:
            raise FeedNotFound(url)
        return FeedRecord(*rows[0])

    def get(self, feed_id: int) -> FeedRecord:
        """A followed feed by id."""
        rows = self.store.rows(f"SELECT {COLUMNS} FROM feeds WHERE id = ?", [feed_id])
        if not rows:
            raise FeedNotFound(feed_id)
        return FeedRecord(*rows[0])

    def all(self) -> list[FeedRecord]:
        """Every followed feed, oldest first."""
        return [
            FeedRecord(*row) for row in self.store.rows(f"SELECT {COLUMNS} FROM feeds ORDER BY id")
        ]

    def due(self, now: datetime) -> list[FeedRecord]:
        """The feeds whose next poll time has come."""
        rows = self.store.rows(
            f"SELECT {COLUMNS} FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id",
            [now.isoformat(timespec="seconds")],
        )
        return [FeedRecord(*row) for row in rows]

    def remove(self, feed_id: int) -> FeedRecord:
        """Stop following a feed; its stored articles stay."""
        feed = self.get(feed_id)
        with self.store.transaction() as db:
            db.execute("DELETE FROM feed_items WHERE feed_id = ?", [feed_id])
            db.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        return feed

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
        with self.store.transaction() as db:
            db.execute(
                "UPDATE feeds SET title = coalesce(?, title), etag = coalesce(?, etag), "
                "last_modified = coalesce(?, last_modified), last_polled_at = ?, "
                "next_poll_at = ?, last_error = ?, errors = 0 WHERE id = ?",
                [
                    title,
                    etag,
                    last_modified,
                    now.isoformat(timespec="seconds"),
                    (now + timedelta(minutes=feed.interval_minutes)).isoformat(timespec="seconds"),
                    warning,
                    feed.id,
                ],
            )

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""
        errors, delay = backoff(feed)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, last_error = ?, "
                "errors = ? WHERE id = ?",
                [
                    now.isoformat(timespec="seconds"),
                    (now + delay).isoformat(timespec="seconds"),
                    error[:500],
                    errors,
                    feed.id,
                ],
            )

    def item_hashes(self, feed_id: int) -> dict[str, str]:
        """Each stored item of a feed, as guid -> hash of what the feed said about it."""
        rows = self.store.rows(
            "SELECT guid, item_hash FROM feed_items WHERE feed_id = ?", [feed_id]
        )
        return dict(rows)

    def record_item(
        self, feed_id: int, guid: str, url: str | None, item_hash: str, article_id: int
    ) -> None:
        """Remember that a feed item is stored as an article."""
        with self.store.transaction() as db:
            db.table("feed_items").insert(
                {
                    "feed_id": feed_id,
                    "guid": guid,
                    "url": url,
                    "item_hash": item_hash,
                    "article_id": article_id,
                    "seen_at": utc_now(),
                },
                replace=True,
            )
