"""The feeds followed and the items seen in each, in PostgreSQL."""

from datetime import datetime, timedelta

from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now
from retrieval.news.store.records import (
    COLUMNS,
    DEFAULT_INTERVAL,
    FeedNotFound,
    FeedRecord,
    backoff,
    iso,
)
from retrieval.text.urls import canonical_url


class PostgresFeedStore:
    """Feeds and feed items, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def add(
        self, url: str, interval_minutes: int = DEFAULT_INTERVAL, added_by: int | None = None
    ) -> tuple[FeedRecord, bool]:
        """Follow a feed (due at once); returns it and whether it is new."""
        url = canonical_url(url)
        added = self.store.rows(
            "INSERT INTO feeds (url, interval_minutes, errors, added_by, added_at, next_poll_at) "
            f"VALUES (%s, %s, 0, %s, %s, '') ON CONFLICT (url) DO NOTHING RETURNING {COLUMNS}",
            [url, interval_minutes, added_by, utc_now()],
        )
        return (FeedRecord(*added[0]), True) if added else (self.by_url(url), False)

    def by_url(self, url: str) -> FeedRecord:
        """A followed feed by its URL."""
        rows = self.store.rows(f"SELECT {COLUMNS} FROM feeds WHERE url = %s", [canonical_url(url)])
        if not rows:
            raise FeedNotFound(url)
        return FeedRecord(*rows[0])

    def get(self, feed_id: int) -> FeedRecord:
        """A followed feed by id."""
        rows = self.store.rows(f"SELECT {COLUMNS} FROM feeds WHERE id = %s", [feed_id])
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
            f"SELECT {COLUMNS} FROM feeds WHERE next_poll_at <= %s ORDER BY next_poll_at, id",
            [iso(now)],
        )
        return [FeedRecord(*row) for row in rows]

    def remove(self, feed_id: int) -> FeedRecord:
        """Stop following a feed; its stored articles stay."""
        feed = self.get(feed_id)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM feed_items WHERE feed_id = %s", [feed_id])
            conn.execute("DELETE FROM feeds WHERE id = %s", [feed_id])
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
        next_poll = now + timedelta(minutes=feed.interval_minutes)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET title = coalesce(%s, title), etag = coalesce(%s, etag), "
                "last_modified = coalesce(%s, last_modified), last_polled_at = %s, "
                "next_poll_at = %s, last_error = %s, errors = 0 WHERE id = %s",
                [title, etag, last_modified, iso(now), iso(next_poll), warning, feed.id],
            )

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""
        errors, delay = backoff(feed)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_polled_at = %s, next_poll_at = %s, last_error = %s, "
                "errors = %s WHERE id = %s",
                [iso(now), iso(now + delay), error[:500], errors, feed.id],
            )

    def item_hashes(self, feed_id: int) -> dict[str, str]:
        """Each stored item of a feed, as guid -> hash of what the feed said about it."""
        rows = self.store.rows(
            "SELECT guid, item_hash FROM feed_items WHERE feed_id = %s", [feed_id]
        )
        return dict(rows)

    def record_item(
        self, feed_id: int, guid: str, url: str | None, item_hash: str, article_id: int
    ) -> None:
        """Remember that a feed item is stored as an article."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO feed_items (feed_id, guid, url, item_hash, article_id, seen_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (feed_id, guid) DO UPDATE SET "
                "url = excluded.url, item_hash = excluded.item_hash, "
                "article_id = excluded.article_id, seen_at = excluded.seen_at",
                [feed_id, guid, url, item_hash, article_id, utc_now()],
            )
