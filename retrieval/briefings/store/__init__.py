"""Briefings, schedules and the articles they draw on: one interface, SQLite and PostgreSQL."""

from retrieval.briefings.store.postgres import PostgresBriefingStore
from retrieval.briefings.store.records import (
    SENDING,
    SENT,
    ArticleHead,
    BriefingStore,
    ChatSchedule,
    SentBriefing,
)
from retrieval.briefings.store.sqlite import SqliteBriefingStore
from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore

__all__ = [
    "SENDING",
    "SENT",
    "ArticleHead",
    "BriefingStore",
    "ChatSchedule",
    "SentBriefing",
    "open_briefings",
]


def open_briefings(store: Database) -> BriefingStore:
    """Everything kept about briefings, in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresBriefingStore(store)
    return SqliteBriefingStore(store)
