"""The feeds followed and the items seen in each, in SQLite."""

from datetime import datetime, timedelta

from retrieval.core.store import Store, utc_now
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

    def claim_due(self, now: datetime, lease: timedelta) -> list[FeedRecord]:
        """The feeds whose time has come, claimed: other processes leave them alone for `lease`.

        A conditional update, so that of several processes polling one database each due feed
        goes to one of them; a process that dies mid-poll frees its feeds when the lease ends.
        """
        with self.store.transaction() as db:
            rows = db.execute(
                f"UPDATE feeds SET next_poll_at = ? WHERE next_poll_at <= ? RETURNING {COLUMNS}",
                [iso(now + lease), iso(now)],
            ).fetchall()
        return sorted((FeedRecord(*row) for row in rows), key=lambda feed: feed.id)

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
        unchanged: bool = False,
    ) -> None:
        """Record a successful poll: validators for the next one, errors cleared.

        The warning replaces the last one, except after an unchanged feed, which keeps it.
        """
        with self.store.transaction() as db:
            db.execute(
                "UPDATE feeds SET title = coalesce(?, title), etag = coalesce(?, etag), "
                "last_modified = coalesce(?, last_modified), last_polled_at = ?, "
                "next_poll_at = ?, last_error = NULL, errors = 0, "
                "last_warning = CASE WHEN ? THEN last_warning ELSE ? END WHERE id = ?",
                [
                    title,
                    etag,
                    last_modified,
                    iso(now),
                    iso(now + timedelta(minutes=feed.interval_minutes)),
                    unchanged,
                    warning[:500] if warning else None,
                    feed.id,
                ],
            )

    def failed(self, feed: FeedRecord, now: datetime, error: str) -> None:
        """Record a failed poll and back off: the interval doubles per error, up to a day."""
        with self.store.transaction() as db:
            found = db.execute("SELECT errors FROM feeds WHERE id = ?", [feed.id]).fetchall()
            errors, delay = backoff(feed, found[0][0] if found else None)
            db.execute(
                "UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, last_error = ?, "
                "errors = ? WHERE id = ?",
                [iso(now), iso(now + delay), error[:500], errors, feed.id],
            )

    def items(self, feed_id: int) -> dict[str, ItemState]:
        """Each stored item of a feed by guid: the hash of what the feed said, page retries."""
        rows = self.store.rows(
            "SELECT guid, item_hash, page_errors, page_retry_at FROM feed_items WHERE feed_id = ?",
            [feed_id],
        )
        return {guid: ItemState(*state) for guid, *state in rows}

    def page_retry_due(self, feed_id: int, now: datetime) -> bool:
        """Whether an item of a feed waits for another try at its page, and its time has come."""
        rows = self.store.rows(
            "SELECT 1 FROM feed_items WHERE feed_id = ? AND page_retry_at <= ? LIMIT 1",
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
        with self.store.transaction() as db:
            db.table("feed_items").insert(
                {
                    "feed_id": feed_id,
                    "guid": guid,
                    "url": url,
                    "item_hash": item_hash,
                    "article_id": article_id,
                    "seen_at": utc_now(),
                    "page_errors": errors,
                    "page_retry_at": iso(retry_at) if retry_at else None,
                },
                replace=True,
            )
