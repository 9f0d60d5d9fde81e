"""Briefings, their schedules, and the articles they draw on, in SQLite."""

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
from retrieval.core.store import Store, marks, utc_now


class SqliteBriefingStore:
    """Everything kept about briefings, in a SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- articles -------------------------------------------------------------

    def heads(self, since: datetime, until: datetime) -> list[ArticleHead]:
        """Articles that may belong to [since, until): dated around it, or stored in it; by id."""
        rows = self.store.rows(
            f"SELECT {HEAD} FROM articles WHERE published >= ? AND published < ? "
            f"UNION SELECT {HEAD} FROM articles WHERE ingested_at >= ? AND ingested_at < ? "
            "ORDER BY id",
            head_bounds(since, until),
        )
        return [ArticleHead(*row) for row in rows]

    def stories(self, ids: Sequence[int]) -> dict[int, int]:
        """The story each article belongs to (itself when it starts one or was never matched)."""
        found = {article_id: article_id for article_id in ids}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            found.update(
                self.store.rows(
                    f"SELECT article_id, story_id FROM stories WHERE article_id IN ({marks(part)})",
                    part,
                )
            )
        return found

    # -- briefings ------------------------------------------------------------

    def record(
        self, chat_id: int, since: datetime, until: datetime, article_ids: Sequence[int]
    ) -> int:
        """Remember a briefing about to be sent in a chat; returns its id."""
        with self.store.transaction() as db:
            row = {
                "chat_id": chat_id,
                "since": iso(since),
                "until": iso(until),
                "article_ids": json.dumps(sorted(article_ids)),
                "state": SENDING,
                "created_at": utc_now(),
            }
            return int(db.table("briefings").insert(row).last_pk)  # type: ignore[arg-type]

    def sent(self, briefing_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Mark a briefing delivered and remember the messages that carry it."""
        with self.store.transaction() as db:
            db.execute("UPDATE briefings SET state = ? WHERE id = ?", [SENT, briefing_id])
            db.table("briefing_messages").insert_all(
                (
                    {"chat_id": chat_id, "message_id": message_id, "briefing_id": briefing_id}
                    for message_id in message_ids
                ),
                replace=True,
            )

    def last(self, chat_id: int) -> SentBriefing | None:
        """The latest briefing given in a chat."""
        rows = self.store.rows(
            "SELECT id, chat_id, since, until, article_ids FROM briefings "
            "WHERE chat_id = ? ORDER BY id DESC LIMIT 1",
            [chat_id],
        )
        return sent_briefing(rows[0]) if rows else None

    def for_message(self, chat_id: int, message_id: int) -> SentBriefing | None:
        """The briefing a chat message carries, if it carries one."""
        rows = self.store.rows(
            "SELECT b.id, b.chat_id, b.since, b.until, b.article_ids FROM briefings b "
            "JOIN briefing_messages m ON m.briefing_id = b.id "
            "WHERE m.chat_id = ? AND m.message_id = ?",
            [chat_id, message_id],
        )
        return sent_briefing(rows[0]) if rows else None

    # -- schedules ------------------------------------------------------------

    def set_schedule(
        self, chat_id: int, schedule: Schedule, next_run_at: datetime, set_by: int | None
    ) -> ChatSchedule:
        """Set (or replace) a chat's schedule."""
        with self.store.transaction() as db:
            db.table("schedules").insert(
                {
                    "chat_id": chat_id,
                    "every": schedule.every,
                    "weekday": schedule.weekday,
                    "at": f"{schedule.at:%H:%M}",
                    "timezone": schedule.timezone,
                    "next_run_at": iso(next_run_at),
                    "set_by": set_by,
                    "updated_at": utc_now(),
                },
                replace=True,
            )
        return ChatSchedule(chat_id, schedule, next_run_at)

    def schedule(self, chat_id: int) -> ChatSchedule | None:
        """A chat's schedule, if it has one."""
        rows = self.store.rows(f"SELECT {SCHEDULE} FROM schedules WHERE chat_id = ?", [chat_id])
        return chat_schedule(rows[0]) if rows else None

    def remove_schedule(self, chat_id: int) -> bool:
        """Stop a chat's scheduled briefings; whether it had a schedule."""
        with self.store.transaction() as db:
            return db.execute("DELETE FROM schedules WHERE chat_id = ?", [chat_id]).rowcount > 0

    def due(self, now: datetime) -> list[ChatSchedule]:
        """Schedules whose next run has come."""
        rows = self.store.rows(
            f"SELECT {SCHEDULE} FROM schedules WHERE next_run_at <= ? ORDER BY next_run_at",
            [iso(now)],
        )
        return [chat_schedule(row) for row in rows]

    def advance(self, chat_id: int, due_at: datetime, next_run_at: datetime) -> bool:
        """Move a due schedule to its next run; False if another process already did."""
        with self.store.transaction() as db:
            cursor = db.execute(
                "UPDATE schedules SET next_run_at = ? WHERE chat_id = ? AND next_run_at = ?",
                [iso(next_run_at), chat_id, iso(due_at)],
            )
            return cursor.rowcount == 1
