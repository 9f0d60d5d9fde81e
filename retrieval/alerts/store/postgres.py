"""Stories, subscriptions and the alert outbox, in PostgreSQL."""

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from retrieval.alerts.store.records import (
    DROPPED,
    OUTBOX,
    PENDING,
    SENDING,
    SENT,
    SUBSCRIPTION,
    AlreadySubscribed,
    OutboxEntry,
    StoryLink,
    Subscription,
    SubscriptionNotFound,
    TooManySubscriptions,
    subscription_from_row,
    topic_key,
)
from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now, whole_second

SUBSCRIBING = 0x616C_6572  # advisory lock class: one chat's subscriptions being changed


class PostgresAlertStore:
    """Stories, subscriptions and the outbox, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    # -- matching ------------------------------------------------------------

    def matched_through(self) -> int:
        """The id of the last article already matched against subscriptions."""
        ((value,),) = self.store.rows("SELECT value FROM meta WHERE key = 'matched_through'")
        return int(value)

    def unmatched_articles(self, limit: int) -> list[int]:
        """Ids of stored articles not yet matched, oldest first."""
        rows = self.store.rows(
            "SELECT id FROM articles WHERE id > %s ORDER BY id LIMIT %s",
            [self.matched_through(), limit],
        )
        return [row[0] for row in rows]

    def sentence_vectors(
        self, article_id: int, model: str
    ) -> tuple[list[tuple[int, int]], np.ndarray]:
        """An article's sentence spans and their vectors made by `model`, in order."""
        rows = self.store.rows(
            'SELECT start, "end", vector FROM sentences WHERE article_id = %s AND model = %s '
            "ORDER BY ord",
            [article_id, model],
        )
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(row[2] for row in rows), dtype="<f4")
        return [(row[0], row[1]) for row in rows], matrix.reshape(len(rows), -1)

    def recent_stories(self, before: int, limit: int) -> list[tuple[int, int]]:
        """(article id, story id) of the `limit` articles stored last before article `before`."""
        return self.store.rows(
            "SELECT a.id, coalesce(s.story_id, a.id) FROM articles a "
            "LEFT JOIN stories s ON s.article_id = a.id WHERE a.id < %s "
            "ORDER BY a.id DESC LIMIT %s",
            [before, limit],
        )

    def record_match(
        self, article_id: int, story_id: int, alerts: Sequence[tuple[int, int]], now: datetime
    ) -> int:
        """In one transaction: the article's story, its new alerts (chat, subscription), cursor.

        Returns how many alerts were queued: a chat hears about a story once, however many of
        its subscriptions match and however many articles retell the story.
        """
        stamp = now.isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO stories (article_id, story_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [article_id, story_id],
            )
            queued = 0
            for chat, sub in alerts:
                queued += conn.execute(
                    "INSERT INTO alerts (chat_id, story_id, subscription_id, state, "
                    "attempts, due_at, created_at) VALUES (%s, %s, %s, %s, 0, %s, %s) "
                    "ON CONFLICT DO NOTHING",
                    [chat, story_id, sub, PENDING, stamp, stamp],
                ).rowcount
            conn.execute(
                "UPDATE meta SET value = %s WHERE key = 'matched_through' AND value::bigint < %s",
                [str(article_id), article_id],
            )
        return queued

    def story_links(self, story_id: int) -> list[StoryLink]:
        """The articles of a story, first stored first, with every link feeds gave for them."""
        rows = self.store.rows(
            "SELECT id FROM articles WHERE id = %s "
            "UNION SELECT article_id FROM stories WHERE story_id = %s ORDER BY 1",
            [story_id, story_id],
        )
        return self.links([row[0] for row in rows])

    def links(self, article_ids: Sequence[int]) -> list[StoryLink]:
        """The links of some articles: their own URL and those feeds gave, each once, in order."""
        if not article_ids:
            return []
        # one row per feed item, not group_concat: URLs may hold commas ("/news/a,b-1.html")
        rows = self.store.rows(
            "SELECT a.id, a.url, a.source, i.url FROM articles a "
            "LEFT JOIN feed_items i ON i.article_id = a.id "
            "WHERE a.id = ANY(%s) ORDER BY a.id, i.seen_at, i.ctid",
            [[int(a) for a in article_ids]],
        )
        links: list[StoryLink] = []
        seen: set[str] = set()
        linked: set[int] = set()
        for article_id, url, source, item_url in rows:
            for link in (url, item_url):
                if link and link not in seen:
                    seen.add(link)
                    linked.add(article_id)
                    links.append(StoryLink(article_id, link, source))
            if not url and not item_url and article_id not in linked:
                linked.add(article_id)
                links.append(StoryLink(article_id, None, source))
        return links

    # -- subscriptions --------------------------------------------------------

    def add_subscription(
        self,
        chat_id: int,
        user_id: int | None,
        topic: str,
        vector: np.ndarray,
        model: str,
        limit: int,
    ) -> Subscription:
        """Store a subscription, the chat's `limit` at most and one per topic; it covers articles
        from now on. Checked and added in one transaction: no limit overshoot, no twin topics."""
        key = topic_key(topic)
        with self.store.transaction() as conn:
            # one writer per chat at a time: the limit and the topic checked hold until commit
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SUBSCRIBING, chat_id % 2**31])
            same = conn.execute(
                f"SELECT {SUBSCRIPTION} FROM subscriptions WHERE chat_id = %s AND topic_key = %s",
                [chat_id, key],
            ).fetchall()
            if same:
                raise AlreadySubscribed(subscription_from_row(same[0]))
            ((count,),) = conn.execute(
                "SELECT count(*) FROM subscriptions WHERE chat_id = %s", [chat_id]
            ).fetchall()
            if count >= limit:
                raise TooManySubscriptions(f"a chat can follow at most {limit} topics")
            ((after,),) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchall()
            added = conn.execute(
                "INSERT INTO subscriptions (chat_id, user_id, topic, topic_key, vector, model, "
                "after_article, paused, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, 0, %s) "
                "RETURNING id",
                [
                    chat_id,
                    user_id,
                    topic,
                    key,
                    np.asarray(vector, dtype="<f4").tobytes(),
                    model,
                    after,
                    utc_now(),
                ],
            ).fetchone()
            sub_id = int(added[0]) if added else 0
        return self.subscription(chat_id, sub_id)

    def subscription_on(self, chat_id: int, topic: str) -> Subscription | None:
        """The chat's subscription to the same topic, if it has one."""
        rows = self.store.rows(
            f"SELECT {SUBSCRIPTION} FROM subscriptions WHERE chat_id = %s AND topic_key = %s",
            [chat_id, topic_key(topic)],
        )
        return subscription_from_row(rows[0]) if rows else None

    def mute(self, chat_id: int, sub_id: int, until: datetime | None) -> Subscription:
        """Silence one of a chat's subscriptions until a moment (None: hear it again)."""
        self.subscription(chat_id, sub_id)
        stamp = until.isoformat(timespec="seconds") if until else None
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE subscriptions SET muted_until = %s WHERE id = %s AND chat_id = %s",
                [stamp, sub_id, chat_id],
            )
        return self.subscription(chat_id, sub_id)

    def subscription(self, chat_id: int, sub_id: int) -> Subscription:
        """One of a chat's subscriptions."""
        rows = self.store.rows(
            f"SELECT {SUBSCRIPTION} FROM subscriptions WHERE id = %s AND chat_id = %s",
            [sub_id, chat_id],
        )
        if not rows:
            raise SubscriptionNotFound(sub_id)
        return subscription_from_row(rows[0])

    def subscriptions(self, chat_id: int | None = None, active: bool = False) -> list[Subscription]:
        """A chat's subscriptions (every chat's when None), oldest first."""
        where, params = ["true"], []
        if chat_id is not None:
            where.append("chat_id = %s")
            params.append(chat_id)
        if active:
            where.append("paused = 0")
        rows = self.store.rows(
            f"SELECT {SUBSCRIPTION} FROM subscriptions WHERE {' AND '.join(where)} ORDER BY id",
            params,
        )
        return [subscription_from_row(row) for row in rows]

    def replace_topic_vector(self, sub_id: int, vector: np.ndarray, model: str) -> None:
        """Give a subscription's topic a vector made by another model variant."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE subscriptions SET vector = %s, model = %s WHERE id = %s",
                [np.asarray(vector, dtype="<f4").tobytes(), model, sub_id],
            )

    def pending_for(self, chat_id: int, sub_id: int) -> list[OutboxEntry]:
        """The alerts still queued in a chat because of one subscription."""
        rows = self.store.rows(
            f"SELECT {OUTBOX} FROM alerts WHERE chat_id = %s AND subscription_id = %s "
            "AND state = %s",
            [chat_id, sub_id, PENDING],
        )
        return [OutboxEntry(*row) for row in rows]

    def reassign(self, alert_id: int, sub_id: int) -> None:
        """Credit a queued alert to another of the chat's subscriptions."""
        self._set([alert_id], "subscription_id = %s", [sub_id])

    def remove_subscription(self, chat_id: int, sub_id: int) -> Subscription:
        """Delete one of a chat's subscriptions; its queued alerts are dropped."""
        subscription = self.subscription(chat_id, sub_id)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE alerts SET state = %s WHERE subscription_id = %s AND state = %s",
                [DROPPED, sub_id, PENDING],
            )
            conn.execute("DELETE FROM subscriptions WHERE id = %s", [sub_id])
        return subscription

    def set_paused(self, chat_id: int, paused: bool) -> int:
        """Pause or resume all of a chat's subscriptions; returns how many changed."""
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "UPDATE subscriptions SET paused = %s WHERE chat_id = %s AND paused != %s",
                [int(paused), chat_id, int(paused)],
            )
            return cursor.rowcount

    # -- outbox ---------------------------------------------------------------

    def requeue_stale(self, now: datetime, lease: timedelta) -> int:
        """Alerts left mid-send for longer than `lease` (their process died): queue them again.

        Telegram's reply was never recorded, so it may never have come: the message may or may
        not have reached the chat, and is sent again (at least once, for this narrow window).
        """
        with self.store.transaction() as conn:
            return conn.execute(
                "UPDATE alerts SET state = %s, last_error = 'interrupted while sending' "
                "WHERE state = %s AND message_id IS NULL AND coalesce(claimed_at, '') <= %s",
                [PENDING, SENDING, (now - lease).isoformat(timespec="seconds")],
            ).rowcount

    def due(self, now: datetime, limit: int = 500) -> list[OutboxEntry]:
        """Pending alerts whose time has come, by chat then age."""
        rows = self.store.rows(
            f"SELECT {OUTBOX} FROM alerts WHERE state = %s AND due_at <= %s "
            "ORDER BY chat_id, id LIMIT %s",
            [PENDING, now.isoformat(timespec="seconds"), limit],
        )
        return [OutboxEntry(*row) for row in rows]

    def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        """Outbox entries by id."""
        return [
            OutboxEntry(*row)
            for row in self.store.rows(
                f"SELECT {OUTBOX} FROM alerts WHERE id = ANY(%s)", [list(ids)]
            )
        ]

    def drop_pending(self, chat_id: int, error: str) -> None:
        """Drop every alert still queued for a chat."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE alerts SET state = %s, last_error = %s WHERE chat_id = %s AND state = %s",
                [DROPPED, error[:300], chat_id, PENDING],
            )

    def claim(self, ids: Sequence[int], now: datetime) -> set[int]:
        """Take due alerts for sending, just before their message goes out; the ids taken.

        Of several workers delivering from one database, one takes each alert: rows another
        worker is claiming are skipped (SKIP LOCKED), rows it claimed are no longer pending.
        """
        if not ids:
            return set()
        stamp = now.isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            rows = conn.execute(
                "UPDATE alerts SET state = %s, claimed_at = %s WHERE id IN (SELECT id FROM alerts "
                "WHERE id = ANY(%s) AND state = %s AND due_at <= %s FOR UPDATE SKIP LOCKED) "
                "RETURNING id",
                [SENDING, stamp, [int(i) for i in ids], PENDING, stamp],
            ).fetchall()
        return {row[0] for row in rows}

    def sent(self, ids: Sequence[int], message_id: int, now: datetime) -> None:
        """Mark alerts delivered, after Telegram accepted the message."""
        self._set(
            ids,
            "state = %s, sent_at = %s, message_id = %s",
            [SENT, now.isoformat(timespec="seconds"), message_id],
        )

    def retry(self, ids: Sequence[int], due_at: datetime, error: str) -> None:
        """Put alerts back in the queue for a later attempt."""
        self._set(
            ids,
            "state = %s, attempts = attempts + 1, due_at = %s, last_error = %s",
            [PENDING, whole_second(due_at).isoformat(timespec="seconds"), error[:300]],
        )

    def give_up(self, ids: Sequence[int], state: str, error: str) -> None:
        """Stop trying to deliver alerts (failed for good, or chat gone)."""
        self._set(ids, "state = %s, last_error = %s", [state, error[:300]])

    def _set(self, ids: Sequence[int], assignments: str, params: list[object]) -> None:
        """Update some alerts."""
        if not ids:
            return
        with self.store.transaction() as conn:
            conn.execute(
                f"UPDATE alerts SET {assignments} WHERE id = ANY(%s)", [*params, list(ids)]
            )

    def counts(self) -> dict[str, int]:
        """How many alerts are in each state."""
        return dict(self.store.rows("SELECT state, count(*) FROM alerts GROUP BY state"))
