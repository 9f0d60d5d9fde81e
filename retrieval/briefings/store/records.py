"""Briefings, schedules and the articles they draw on, as values; the interface of their store."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from retrieval.briefings.schedules import WEEKDAYS, Schedule, parse_schedule

SENDING, SENT = "sending", "sent"


@dataclass(frozen=True)
class ArticleHead:
    """What ranking a story needs about one of its articles, without its text."""

    id: int
    title: str
    source: str | None
    published: str | None
    ingested_at: str
    url: str | None = None


@dataclass(frozen=True)
class SentBriefing:
    """A briefing given in a chat: its window and the articles of its stories."""

    id: int
    chat_id: int
    since: datetime
    until: datetime
    article_ids: frozenset[int]


@dataclass(frozen=True)
class ChatSchedule:
    """A chat's schedule and when it runs next."""

    chat_id: int
    schedule: Schedule
    next_run_at: datetime


class BriefingStore(Protocol):
    """Everything kept about briefings."""

    def heads(self, since: datetime, until: datetime) -> list[ArticleHead]:
        """Articles that may belong to [since, until): dated around it, or stored in it; by id."""

    def stories(self, ids: Sequence[int]) -> dict[int, int]:
        """The story each article belongs to (itself when it starts one or was never matched)."""

    def record(
        self, chat_id: int, since: datetime, until: datetime, article_ids: Sequence[int]
    ) -> int:
        """Remember a briefing about to be sent in a chat; returns its id."""

    def sent(self, briefing_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Mark a briefing delivered and remember the messages that carry it."""

    def last(self, chat_id: int) -> SentBriefing | None:
        """The latest briefing given in a chat."""

    def for_message(self, chat_id: int, message_id: int) -> SentBriefing | None:
        """The briefing a chat message carries, if it carries one."""

    def set_schedule(
        self, chat_id: int, schedule: Schedule, next_run_at: datetime, set_by: int | None
    ) -> ChatSchedule:
        """Set (or replace) a chat's schedule."""

    def schedule(self, chat_id: int) -> ChatSchedule | None:
        """A chat's schedule, if it has one."""

    def remove_schedule(self, chat_id: int) -> bool:
        """Stop a chat's scheduled briefings; whether it had a schedule."""

    def due(self, now: datetime) -> list[ChatSchedule]:
        """Schedules whose next run has come."""

    def advance(self, chat_id: int, due_at: datetime, next_run_at: datetime) -> bool:
        """Move a due schedule to its next run; False if another process already did."""


HEAD = "id, title, source, published, ingested_at, url"
SCHEDULE = "chat_id, every, weekday, at, timezone, next_run_at"


def iso(moment: datetime) -> str:
    """An aware datetime as ISO 8601 seconds."""
    return moment.isoformat(timespec="seconds")


def head_bounds(since: datetime, until: datetime) -> list[str]:
    """The bounds `heads` compares with: dates a day wider each side, then the stored times.

    Dates are compared as text, a day wider on each side (dates come with and without
    times and offsets); the builder keeps those whose moment really falls in the window.
    """
    return [
        (since - timedelta(days=1)).date().isoformat(),
        (until + timedelta(days=2)).date().isoformat(),
        iso(since),
        iso(until),
    ]


def chat_schedule(row: tuple) -> ChatSchedule:
    """A chat schedule from its row."""
    chat_id, every, weekday, at, zone, next_run_at = row
    day = f" {WEEKDAYS[weekday]}" if every == "weekly" else ""
    schedule = parse_schedule(f"{every}{day} {at} {zone}")
    return ChatSchedule(chat_id, schedule, datetime.fromisoformat(next_run_at))


def sent_briefing(row: tuple) -> SentBriefing:
    """A sent briefing from its row."""
    briefing_id, chat_id, since, until, ids = row
    return SentBriefing(
        briefing_id,
        chat_id,
        datetime.fromisoformat(since),
        datetime.fromisoformat(until),
        frozenset(json.loads(ids)),
    )
