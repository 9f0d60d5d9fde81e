"""Opening the configured database: a SQLite file, or a PostgreSQL server for a URL."""

from pathlib import Path

from retrieval.core.config import Settings, is_postgres_url
from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_vocabulary import PostgresWords
from retrieval.core.store import Store
from retrieval.core.vocabulary import SqliteWords, Vocabulary

Database = Store | PostgresStore


def open_database(settings: Settings) -> Database:
    """The database the settings name."""
    return PostgresStore(settings.db_url) if settings.db_url else Store(settings.db_path)


def open_target(target: str | Path) -> Database:
    """The database at a path (SQLite) or a postgresql:// URL."""
    text = str(target)
    return PostgresStore(text) if is_postgres_url(text) else Store(Path(text).expanduser())


def open_vocabulary(store: Database) -> Vocabulary:
    """The vocabulary of the articles in a database, read from its word tables."""
    return Vocabulary(
        PostgresWords(store) if isinstance(store, PostgresStore) else SqliteWords(store)
    )
