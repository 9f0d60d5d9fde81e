"""The owner's view in SQLite: owners, the articles stored, and statistics."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

from retrieval.core.store import Store, utc_now
from retrieval.operations.store.records import (
    ENTRY,
    ArticleEntry,
    ArticleGone,
    CountMismatch,
    FeedHealth,
    Owner,
    Stats,
    TableRows,
    Vote,
    owners_from,
)


class SqliteOwners:
    """Owners from CYBERBRIEF_OWNERS plus those stored in a SQLite file."""

    def __init__(self, store: Store, configured: frozenset[int] = frozenset()) -> None:
        self.store = store
        self.configured = configured

    def ids(self) -> frozenset[int]:
        """Every owner's Telegram user id; read afresh, so owners added meanwhile count."""
        stored = {row[0] for row in self.store.rows("SELECT user_id FROM owners")}
        return self.configured | stored

    def all(self) -> list[Owner]:
        """Every owner with where it comes from, by id."""
        stored = self.store.rows("SELECT user_id, added_by, added_at FROM owners")
        return owners_from(self.configured, stored)

    def add(self, user_id: int, added_by: str | None = None) -> bool:
        """Store an owner; False if they were one already."""
        if user_id in self.ids():
            return False
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO owners (user_id, added_by, added_at) VALUES (?, ?, ?)",
                [user_id, added_by, utc_now()],
            )
        return True

    def remove(self, user_id: int) -> bool:
        """Remove a stored owner; False if the database did not hold them."""
        with self.store.transaction() as db:
            return db.execute("DELETE FROM owners WHERE user_id = ?", [user_id]).rowcount > 0


class SqliteShelf:
    """The stored articles in a SQLite file, for their owner."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def newest(self, limit: int = 20, source: str | None = None) -> list[ArticleEntry]:
        """The articles stored last (optionally one outlet's), newest first."""
        where, params = ("WHERE a.source = ? COLLATE NOCASE", [source]) if source else ("", [])
        rows = self.store.rows(
            f"SELECT {ENTRY} FROM articles a {where} ORDER BY a.id DESC LIMIT ?", [*params, limit]
        )
        return [ArticleEntry(*row) for row in rows]

    def entry(self, article_id: int) -> ArticleEntry:
        """One stored article, with the feeds that brought it."""
        rows = self.store.rows(f"SELECT {ENTRY} FROM articles a WHERE a.id = ?", [article_id])
        if not rows:
            raise ArticleGone(article_id)
        feeds = self.store.rows(
            "SELECT DISTINCT coalesce(f.title, f.url) FROM feed_items i "
            "JOIN feeds f ON f.id = i.feed_id WHERE i.article_id = ? ORDER BY 1",
            [article_id],
        )
        return replace(ArticleEntry(*rows[0]), feeds=tuple(row[0] for row in feeds))

    def remove(self, article_id: int) -> ArticleEntry:
        """Delete an article with its passages, vectors and index entries; feeds won't bring
        it back (their items stay known, pointing nowhere)."""
        gone = self.entry(article_id)
        with self.store.transaction() as db:
            self.store.delete_parts(article_id)
            db.execute("DELETE FROM stories WHERE article_id = ?", [article_id])
            db.execute("UPDATE feed_items SET article_id = NULL WHERE article_id = ?", [article_id])
            db.execute("DELETE FROM articles WHERE id = ?", [article_id])
            db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        return gone


class SqliteStatistics:
    """Counts across the capabilities' tables in a SQLite file, read in one go."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def gather(self, since: datetime, votes: int = 10) -> Stats:
        """What the collection holds, and what happened since a moment."""
        stamp = since.isoformat(timespec="seconds")
        ((articles, stored, newest, outlets),) = self.store.rows(
            "SELECT count(*), count(CASE WHEN ingested_at >= ? THEN 1 END), max(published), "
            "count(DISTINCT source) FROM articles",
            [stamp],
        )
        feeds = self.store.rows(
            "SELECT id, coalesce(title, url), last_polled_at, errors, last_error FROM feeds "
            "ORDER BY id"
        )
        ((chats,),) = self.store.rows(
            "SELECT count(*) FROM (SELECT chat_id FROM answers UNION SELECT chat_id FROM "
            "subscriptions UNION SELECT chat_id FROM schedules UNION SELECT chat_id FROM "
            "chat_settings)"
        )
        ((subscriptions, subscribed),) = self.store.rows(
            "SELECT count(*), count(DISTINCT chat_id) FROM subscriptions"
        )
        ((answered, abstained),) = self.store.rows(
            "SELECT count(CASE WHEN abstained = 0 THEN 1 END), "
            "count(CASE WHEN abstained = 1 THEN 1 END) FROM answers WHERE asked_at >= ?",
            [stamp],
        )
        ((up, down),) = self.store.rows(
            "SELECT count(CASE WHEN vote > 0 THEN 1 END), count(CASE WHEN vote < 0 THEN 1 END) "
            "FROM feedback WHERE given_at >= ?",
            [stamp],
        )
        latest = self.store.rows(
            "SELECT vote, question, given_at FROM feedback WHERE given_at >= ? "
            "ORDER BY given_at DESC, rowid DESC LIMIT ?",
            [stamp, votes],
        )
        ((sent,),) = self.store.rows(
            "SELECT count(*) FROM alerts WHERE state = 'sent' AND sent_at >= ?", [stamp]
        )
        return Stats(
            stamp, articles, stored, newest, outlets,
            tuple(FeedHealth(*row) for row in feeds),
            chats, subscriptions, subscribed, answered, abstained, up, down,
            tuple(Vote(*row) for row in latest), sent,
        )  # fmt: skip


class SqliteTables:
    """Every table of a SQLite file as plain rows."""

    DERIVED = ("_sqlite_migrations", "chunk_changes", "sqlite_")  # name prefixes left out

    def __init__(self, store: Store) -> None:
        self.store = store

    def names(self) -> set[str]:
        """The tables holding the collection (not migration records or derived indexes)."""
        rows = self.store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows if not name.startswith(self.DERIVED)}

    def columns(self, table: str) -> list[str]:
        """A table's columns, in order."""
        return [row[1] for row in self.store.rows(f"PRAGMA table_info({table})")]

    def count(self, table: str) -> int:
        """How many rows a table holds."""
        return int(self.store.rows(f"SELECT count(*) FROM {table}")[0][0])

    def read(self, table: str, columns: Sequence[str]) -> Iterator[tuple]:
        """A table's rows, in key order."""
        listed = ", ".join(f'"{column}"' for column in columns)
        with self.store.transaction() as db:  # one snapshot, however long the copy takes
            yield from db.execute(f"SELECT {listed} FROM {table} ORDER BY rowid")

    def write(self, tables: Iterable[TableRows], expected: dict[str, int]) -> None:
        """In one transaction: replace each table's rows and check every count against
        `expected` (CountMismatch: nothing is written)."""
        with self.store.transaction() as db:
            for part in tables:
                db.execute(f"DELETE FROM {part.table}")
                listed = ", ".join(f'"{column}"' for column in part.columns)
                marks = ", ".join("?" * len(part.columns))
                db.conn.executemany(
                    f"INSERT INTO {part.table} ({listed}) VALUES ({marks})", part.rows
                )
            found = {table: self.count(table) for table in expected}
            if found != expected:
                raise CountMismatch(f"expected {expected}, found {found}")
