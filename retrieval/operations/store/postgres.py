"""The owner's view in PostgreSQL: owners, the articles stored, and statistics."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
import psycopg

from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now
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


class PostgresOwners:
    """Owners from CYBERBRIEF_OWNERS plus those stored in a PostgreSQL database."""

    def __init__(self, store: PostgresStore, configured: frozenset[int] = frozenset()) -> None:
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
        if user_id in self.configured:
            return False
        added = self.store.rows(
            "INSERT INTO owners (user_id, added_by, added_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id) DO NOTHING RETURNING user_id",
            [user_id, added_by, utc_now()],
        )
        return bool(added)

    def remove(self, user_id: int) -> bool:
        """Remove a stored owner; False if the database did not hold them."""
        with self.store.transaction() as conn:
            return conn.execute("DELETE FROM owners WHERE user_id = %s", [user_id]).rowcount > 0


class PostgresShelf:
    """The stored articles in a PostgreSQL database, for their owner."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def newest(self, limit: int = 20, source: str | None = None) -> list[ArticleEntry]:
        """The articles stored last (optionally one outlet's), newest first."""
        rows = self.store.rows(
            f"SELECT {ENTRY} FROM articles a "
            "WHERE %s::text IS NULL OR lower(a.source) = lower(%s) ORDER BY a.id DESC LIMIT %s",
            [source, source, limit],
        )
        return [ArticleEntry(*row) for row in rows]

    def entry(self, article_id: int) -> ArticleEntry:
        """One stored article, with the feeds that brought it."""
        rows = self.store.rows(f"SELECT {ENTRY} FROM articles a WHERE a.id = %s", [article_id])
        if not rows:
            raise ArticleGone(article_id)
        feeds = self.store.rows(
            'SELECT DISTINCT coalesce(f.title, f.url) COLLATE "C" FROM feed_items i '
            "JOIN feeds f ON f.id = i.feed_id WHERE i.article_id = %s ORDER BY 1",
            [article_id],
        )
        return replace(ArticleEntry(*rows[0]), feeds=tuple(row[0] for row in feeds))

    def remove(self, article_id: int) -> ArticleEntry:
        """Delete an article with its passages, vectors and word counts; feeds won't bring it
        back (their items stay known, pointing nowhere)."""
        gone = self.entry(article_id)
        with self.store.transaction() as conn:
            self.store.delete_parts(conn, article_id)
            conn.execute("DELETE FROM stories WHERE article_id = %s", [article_id])
            conn.execute(
                "UPDATE feed_items SET article_id = NULL WHERE article_id = %s", [article_id]
            )
            conn.execute("DELETE FROM articles WHERE id = %s", [article_id])
            conn.execute(
                "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'"
            )
        return gone


class PostgresStatistics:
    """Counts across the capabilities' tables in a PostgreSQL database, read in one snapshot."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def gather(self, since: datetime, votes: int = 10) -> Stats:
        """What the collection holds, and what happened since a moment."""
        stamp = since.isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            ((articles, stored, newest, outlets),) = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE ingested_at >= %s), max(published), "
                "count(DISTINCT source) FROM articles",
                [stamp],
            ).fetchall()
            feeds = conn.execute(
                "SELECT id, coalesce(title, url), last_polled_at, errors, last_error FROM feeds "
                "ORDER BY id"
            ).fetchall()
            ((chats,),) = conn.execute(
                "SELECT count(*) FROM (SELECT chat_id FROM answers UNION SELECT chat_id FROM "
                "subscriptions UNION SELECT chat_id FROM schedules UNION SELECT chat_id FROM "
                "chat_settings) AS chats"
            ).fetchall()
            ((subscriptions, subscribed),) = conn.execute(
                "SELECT count(*), count(DISTINCT chat_id) FROM subscriptions"
            ).fetchall()
            ((answered, abstained),) = conn.execute(
                "SELECT count(*) FILTER (WHERE abstained = 0), "
                "count(*) FILTER (WHERE abstained = 1) FROM answers WHERE asked_at >= %s",
                [stamp],
            ).fetchall()
            ((up, down),) = conn.execute(
                "SELECT count(*) FILTER (WHERE vote > 0), count(*) FILTER (WHERE vote < 0) "
                "FROM feedback WHERE given_at >= %s",
                [stamp],
            ).fetchall()
            latest = conn.execute(
                "SELECT vote, question, given_at FROM feedback WHERE given_at >= %s "
                "ORDER BY given_at DESC, answer_id DESC, user_id DESC LIMIT %s",
                [stamp, votes],
            ).fetchall()
            ((sent,),) = conn.execute(
                "SELECT count(*) FROM alerts WHERE state = 'sent' AND sent_at >= %s", [stamp]
            ).fetchall()
        return Stats(
            stamp, articles, stored, newest, outlets,
            tuple(FeedHealth(*row) for row in feeds),
            chats, subscriptions, subscribed, answered, abstained, up, down,
            tuple(Vote(*row) for row in latest), sent,
        )  # fmt: skip


class PostgresTables:
    """Every table of a PostgreSQL database as plain rows."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def names(self) -> set[str]:
        """The tables holding the collection (not the migration records or the change log)."""
        rows = self.store.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename NOT IN ('_migrations', 'chunk_changes')"
        )
        return {name for (name,) in rows}

    def columns(self, table: str) -> list[str]:
        """A table's columns, in order, but those the database always makes itself (a word's
        `seq`): the target makes its own."""
        rows = self.store.rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "AND identity_generation IS DISTINCT FROM 'ALWAYS' ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in rows]

    def count(self, table: str) -> int:
        """How many rows a table holds."""
        return int(self.store.rows(f"SELECT count(*) FROM {table}")[0][0])

    def read(self, table: str, columns: Sequence[str]) -> Iterator[tuple]:
        """A table's rows, in key order; chunk vectors as float32 bytes."""
        listed = ", ".join(f'"{column}"' for column in columns)
        vector = _vector_column(table, columns)
        with (
            self.store.transaction() as conn,
            conn.cursor(name=f"copy_{table}") as cursor,  # streamed from the server
        ):
            cursor.execute(f"SELECT {listed} FROM {table} ORDER BY {_key(conn, table)}")
            for row in cursor:
                if vector is None:
                    yield row
                else:
                    values = list(row)
                    values[vector] = np.asarray(values[vector].to_numpy(), "<f4").tobytes()
                    yield tuple(values)

    def write(self, tables: Iterable[TableRows], expected: dict[str, int]) -> None:
        """In one transaction: replace each table's rows, restart the id sequences after the
        ids copied, check every count against `expected` (CountMismatch: nothing is written),
        and gather the planner's statistics."""
        with self.store.transaction() as conn:
            for part in tables:
                conn.execute(f"DELETE FROM {part.table}")
                listed = ", ".join(f'"{column}"' for column in part.columns)
                types = _types(conn, part.table, part.columns)
                vector = _vector_column(part.table, part.columns)
                with (
                    conn.cursor() as cursor,
                    cursor.copy(f"COPY {part.table} ({listed}) FROM STDIN (FORMAT BINARY)") as copy,
                ):
                    copy.set_types(types)
                    for row in part.rows:
                        if vector is not None:
                            blob = row[vector]
                            row = (*row[:vector], np.frombuffer(blob, "<f4"), *row[vector + 1 :])
                        copy.write_row(row)
            identities = conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_identity = 'YES'"
            ).fetchall()
            for table, column in identities:  # the next id follows the last one copied
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f"coalesce(max({column}), 0) + 1, false) FROM {table}",
                    [table, column],
                )
            found = {table: self.count(table) for table in expected}
            if found != expected:
                raise CountMismatch(f"expected {expected}, found {found}")
            conn.execute("ANALYZE")  # planner statistics now, not when autovacuum gets to it


def _vector_column(table: str, columns: Sequence[str]) -> int | None:
    """Where the pgvector column is among a copy's columns (chunk vectors), if there."""
    return columns.index("vector") if table == "embeddings" and "vector" in columns else None


def _types(conn: psycopg.Connection, table: str, columns: Sequence[str]) -> list[str]:
    """The type names of some columns of a table, for a binary COPY."""
    found: dict[str, str] = dict(
        conn.execute(
            "SELECT column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        ).fetchall()
    )
    return [found[column] for column in columns]


def _key(conn: psycopg.Connection, table: str) -> str:
    """A table's primary key columns, to read it in order."""
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
        [table],
    ).fetchall()
    return ", ".join(f'"{name}"' for (name,) in rows) or "1"
