"""The feeds followed and the items seen in each: one interface, SQLite and PostgreSQL."""

from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore
from retrieval.news.store.postgres import PostgresFeedStore
from retrieval.news.store.records import (
    DEFAULT_INTERVAL,
    MAX_BACKOFF,
    FeedNotFound,
    FeedRecord,
    FeedStore,
    ItemState,
)
from retrieval.news.store.sqlite import SqliteFeedStore

__all__ = [
    "DEFAULT_INTERVAL",
    "MAX_BACKOFF",
    "FeedNotFound",
    "FeedRecord",
    "FeedStore",
    "ItemState",
    "open_feeds",
]


def open_feeds(store: Database) -> FeedStore:
    """The feeds followed and their items, in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresFeedStore(store)
    return SqliteFeedStore(store)
