"""The owner's view: owners, stored articles, statistics; one interface, SQLite and PostgreSQL."""

from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore
from retrieval.operations.store.postgres import (
    PostgresOwners,
    PostgresShelf,
    PostgresStatistics,
    PostgresTables,
)
from retrieval.operations.store.records import (
    ArticleEntry,
    ArticleGone,
    CountMismatch,
    FeedHealth,
    Owner,
    Owners,
    Shelf,
    Statistics,
    Stats,
    TableRows,
    Tables,
    Vote,
)
from retrieval.operations.store.sqlite import (
    SqliteOwners,
    SqliteShelf,
    SqliteStatistics,
    SqliteTables,
)

__all__ = [
    "ArticleEntry",
    "ArticleGone",
    "CountMismatch",
    "FeedHealth",
    "Owner",
    "Owners",
    "Shelf",
    "Statistics",
    "Stats",
    "TableRows",
    "Tables",
    "Vote",
    "open_owners",
    "open_shelf",
    "open_statistics",
    "open_tables",
]


def open_owners(store: Database, configured: frozenset[int] = frozenset()) -> Owners:
    """The owners configured, plus those stored in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresOwners(store, configured)
    return SqliteOwners(store, configured)


def open_shelf(store: Database) -> Shelf:
    """The stored articles, for their owner."""
    if isinstance(store, PostgresStore):
        return PostgresShelf(store)
    return SqliteShelf(store)


def open_statistics(store: Database) -> Statistics:
    """Counts across the capabilities' tables."""
    if isinstance(store, PostgresStore):
        return PostgresStatistics(store)
    return SqliteStatistics(store)


def open_tables(store: Database) -> Tables:
    """Every table of the store's database as plain rows, for copying."""
    if isinstance(store, PostgresStore):
        return PostgresTables(store)
    return SqliteTables(store)
