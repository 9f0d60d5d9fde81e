"""The workers' shared state: one interface, a SQLite and a PostgreSQL implementation."""

from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore
from retrieval.workers.store.postgres import PostgresWorkerStore
from retrieval.workers.store.records import KEEP_UPDATES, WorkerStore
from retrieval.workers.store.sqlite import SqliteWorkerStore

__all__ = ["KEEP_UPDATES", "WorkerStore", "open_workers"]


def open_workers(store: Database) -> WorkerStore:
    """Updates seen and sending schedules, in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresWorkerStore(store)
    return SqliteWorkerStore(store)
