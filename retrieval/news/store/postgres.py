"""The feeds followed and the items seen in each, in PostgreSQL."""

from datetime import datetime, timedelta

from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now
from retrieval.news.store.records import (
    COLUMNS,
    DEFAULT_INTERVAL,
    FeedNotFound,
    FeedRecord,
    ItemState,
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

    def claim_due(self, now: datetime, lease: timedelta) -> list[FeedRecord]:
        """The feeds whose time has come, claimed: other processes leave them alone for `lease`.

        Rows another worker is claiming are skipped (SKIP LOCKED), never waited for; a worker
        that dies mid-poll frees its feeds when the lease ends.
        """
        with self.store.transaction() as conn:
            rows = conn.execute(
                f"UPDATE feeds SET next_poll_at = %s WHERE id IN (SELECT id FROM feeds "
                f"WHERE next_poll_at <= %s FOR UPDATE SKIP LOCKED) RETURNING {COLUMNS}",
                [iso(now + lease), iso(now)],
            ).fetchall()
        return sorted((FeedRecord(*row) for row in rows), key=lambda feed: feed.id)

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
        unchanged: bool = False,
    ) -> None:
        """Record a successful poll: validators for the next one, errors cleared.

        The warning replaces the last one, except after an unchanged feed, which keeps it.
        """
        next_poll = now + timedelta(minutes=feed.interval_minutes)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET title = coalesce(%s, title), etag = coalesce(%s, etag), "
                "last_modified = coalesce(%s, last_modified), last_polled_at = %s, "
                "next_poll_at = %s, last_error = NULL, errors = 0, "
                "last_warning = CASE WHEN %s THEN last_warning ELSE %s END WHERE id = %s",
                [
                    title,
                    etag,
                    last_modified,
                    iso(now),
                    iso(next_poll),
                    unchanged,
                    warning[:500] if warning else None,
                    feed.id,
                ],
            )

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""
        with self.store.transaction() as conn:
            found = conn.execute(
                "SELECT errors FROM feeds WHERE id = %s FOR UPDATE", [feed.id]
            ).fetchall()
            errors, delay = backoff(feed, found[0][0] if found else None)
            conn.execute(
                "UPDATE feeds SET last_polled_at = %s, next_poll_at = %s, last_error = %s, "
                "errors = %s WHERE id = %s",
                [iso(now), iso(now + delay), error[:500], errors, feed.id],
            )

    def items(self, feed_id: int) -> dict[str, ItemState]:
        """Each stored item of a feed by guid: the hash of what the feed said, page retries."""
        rows = self.store.rows(
            "SELECT guid, item_hash, page_errors, page_retry_at FROM feed_items WHERE feed_id = %s",
            [feed_id],
        )
        return {guid: ItemState(*state) for guid, *state in rows}

    def page_retry_due(self, feed_id: int, now: datetime) -> bool:
        """Whether an item of a feed waits for another try at its page, and its time has come."""
        rows = self.store.rows(
            "SELECT 1 FROM feed_items WHERE feed_id = %s AND page_retry_at <= %s LIMIT 1",
            [feed_id, iso(now)],
        )
        return bool(rows)

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
        errors, retry_at = page if page else (0, None)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO feed_items (feed_id, guid, url, item_hash, article_id, seen_at, "
                "page_errors, page_retry_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (feed_id, guid) DO UPDATE SET url = excluded.url, "
                "item_hash = excluded.item_hash, article_id = excluded.article_id, "
                "seen_at = excluded.seen_at, page_errors = excluded.page_errors, "
                "page_retry_at = excluded.page_retry_at",
                [
                    feed_id,
                    guid,
                    url,
                    item_hash,
                    article_id,
                    utc_now(),
                    errors,
                    iso(retry_at) if retry_at else None,
                ],
            )
