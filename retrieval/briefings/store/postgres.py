"""Briefings, their schedules, and the articles they draw on, in PostgreSQL."""

import json
from collections.abc import Sequence
from datetime import datetime

from retrieval.briefings.schedules import Schedule
from retrieval.briefings.store.records import (
    HEAD,
    SCHEDULE,
    SENDING,
    SENT,
    ArticleHead,
    ChatSchedule,
    SentBriefing,
    chat_schedule,
    head_bounds,
    iso,
    sent_briefing,
)
from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now


class PostgresBriefingStore:
    """Everything kept about briefings, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    # -- articles -------------------------------------------------------------

    def heads(self, since: datetime, until: datetime) -> list[ArticleHead]:
        """Articles that may belong to [since, until): dated around it, or stored in it; by id."""
        rows = self.store.rows(
            f"SELECT {HEAD} FROM articles WHERE published >= %s AND published < %s "
            f"UNION SELECT {HEAD} FROM articles WHERE ingested_at >= %s AND ingested_at < %s "
            "ORDER BY id",
            head_bounds(since, until),
        )
        return [ArticleHead(*row) for row in rows]

    def stories(self, ids: Sequence[int]) -> dict[int, int]:
        """The story each article belongs to (itself when it starts one or was never matched)."""
        found = {article_id: article_id for article_id in ids}
        found.update(
            self.store.rows(
                "SELECT article_id, story_id FROM stories WHERE article_id = ANY(%s)", [list(ids)]
            )
        )
        return found

    # -- briefings ------------------------------------------------------------

    def record(
        self, chat_id: int, since: datetime, until: datetime, article_ids: Sequence[int]
    ) -> int:
        """Remember a briefing about to be sent in a chat; returns its id."""
        ((briefing_id,),) = self.store.rows(
            "INSERT INTO briefings (chat_id, since, until, article_ids, state, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            [chat_id, iso(since), iso(until), json.dumps(sorted(article_ids)), SENDING, utc_now()],
        )
        return int(briefing_id)

    def sent(self, briefing_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Mark a briefing delivered and remember the messages that carry it."""
        with self.store.transaction() as conn, conn.cursor() as cursor:
            cursor.execute("UPDATE briefings SET state = %s WHERE id = %s", [SENT, briefing_id])
            cursor.executemany(
                "INSERT INTO briefing_messages (chat_id, message_id, briefing_id) "
                "VALUES (%s, %s, %s) ON CONFLICT (chat_id, message_id) "
                "DO UPDATE SET briefing_id = excluded.briefing_id",
                [(chat_id, message_id, briefing_id) for message_id in message_ids],
            )

    def last(self, chat_id: int) -> SentBriefing | None:
        """The latest briefing given in a chat."""
        rows = self.store.rows(
            "SELECT id, chat_id, since, until, article_ids FROM briefings "
            "WHERE chat_id = %s ORDER BY id DESC LIMIT 1",
            [chat_id],
        )
        return sent_briefing(rows[0]) if rows else None

    def for_message(self, chat_id: int, message_id: int) -> SentBriefing | None:
        """The briefing a chat message carries, if it carries one."""
        rows = self.store.rows(
            "SELECT b.id, b.chat_id, b.since, b.until, b.article_ids FROM briefings b "
            "JOIN briefing_messages m ON m.briefing_id = b.id "
            "WHERE m.chat_id = %s AND m.message_id = %s",
            [chat_id, message_id],
        )
        return sent_briefing(rows[0]) if rows else None

    # -- schedules ------------------------------------------------------------

    def set_schedule(
        self, chat_id: int, schedule: Schedule, next_run_at: datetime, set_by: int | None
    ) -> ChatSchedule:
        """Set (or replace) a chat's schedule."""
        values = [chat_id, schedule.every, schedule.weekday, f"{schedule.at:%H:%M}"]
        values += [schedule.timezone, iso(next_run_at), set_by, utc_now()]
        with self.store.transaction() as conn:
            conn.execute(
                f"INSERT INTO schedules ({SCHEDULE}, set_by, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
                "every = excluded.every, weekday = excluded.weekday, at = excluded.at, "
                "timezone = excluded.timezone, next_run_at = excluded.next_run_at, "
                "set_by = excluded.set_by, updated_at = excluded.updated_at",
                values,
            )
        return ChatSchedule(chat_id, schedule, next_run_at)

    def schedule(self, chat_id: int) -> ChatSchedule | None:
        """A chat's schedule, if it has one."""
        rows = self.store.rows(f"SELECT {SCHEDULE} FROM schedules WHERE chat_id = %s", [chat_id])
        return chat_schedule(rows[0]) if rows else None

    def remove_schedule(self, chat_id: int) -> bool:
        """Stop a chat's scheduled briefings; whether it had a schedule."""
        with self.store.transaction() as conn:
            return conn.execute("DELETE FROM schedules WHERE chat_id = %s", [chat_id]).rowcount > 0

    def due(self, now: datetime) -> list[ChatSchedule]:
        """Schedules whose next run has come."""
        rows = self.store.rows(
            f"SELECT {SCHEDULE} FROM schedules WHERE next_run_at <= %s "
            "ORDER BY next_run_at, chat_id",
            [iso(now)],
        )
        return [chat_schedule(row) for row in rows]

    def advance(self, chat_id: int, due_at: datetime, next_run_at: datetime) -> bool:
        """Move a due schedule to its next run; False if another process already did."""
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "UPDATE schedules SET next_run_at = %s WHERE chat_id = %s AND next_run_at = %s",
                [iso(next_run_at), chat_id, iso(due_at)],
            )
            return cursor.rowcount == 1
