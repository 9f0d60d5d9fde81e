"""The owner's view, as values: owners, stored articles, statistics; the interfaces of its store."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Owner:
    """A Telegram user who manages the bot's feeds, and where that was decided."""

    user_id: int
    origin: str  # "environment", or who added it to the database and when


class ArticleGone(LookupError):
    """No stored article has this id."""


@dataclass(frozen=True)
class ArticleEntry:
    """A stored article as the owner's list shows it."""

    id: int
    title: str
    source: str | None
    published: str | None
    url: str | None
    ingested_at: str
    chars: int
    feeds: tuple[str, ...] = ()  # the feeds it came from


@dataclass(frozen=True)
class FeedHealth:
    """A followed feed and how its polls go."""

    id: int
    name: str
    last_polled_at: str | None
    errors: int
    last_error: str | None


@dataclass(frozen=True)
class Vote:
    """A 👍 (+1) or 👎 (-1) and the question it was given for."""

    vote: int
    question: str
    given_at: str


@dataclass(frozen=True)
class Stats:
    """The bot at a glance, for its owner; counts of questions and votes are since `since`."""

    since: str
    articles: int
    stored_since: int
    newest: str | None
    outlets: int
    feeds: tuple[FeedHealth, ...]
    chats: int
    subscriptions: int
    subscribed_chats: int
    answered: int
    abstained: int
    up: int
    down: int
    votes: tuple[Vote, ...]  # the latest, newest first
    alerts_sent: int


@dataclass(frozen=True)
class TableRows:
    """Rows for one table, as a copy writes them."""

    table: str
    columns: tuple[str, ...]
    rows: Iterable[tuple]


class Owners(Protocol):
    """Owners from CYBERBRIEF_OWNERS plus those added with `cyberbrief owners add`."""

    configured: frozenset[int]

    def ids(self) -> frozenset[int]:
        """Every owner's Telegram user id; read afresh, so owners added meanwhile count."""

    def all(self) -> list[Owner]:
        """Every owner with where it comes from, by id."""

    def add(self, user_id: int, added_by: str | None = None) -> bool:
        """Store an owner; False if they were one already."""

    def remove(self, user_id: int) -> bool:
        """Remove a stored owner; False if the database did not hold them."""


class Shelf(Protocol):
    """The stored articles for their owner: listed newest first, shown, removed for good."""

    def newest(self, limit: int = 20, source: str | None = None) -> list[ArticleEntry]:
        """The articles stored last (optionally one outlet's), newest first."""

    def entry(self, article_id: int) -> ArticleEntry:
        """One stored article, with the feeds that brought it."""

    def remove(self, article_id: int) -> ArticleEntry:
        """Delete an article with its passages, vectors and index entries."""


class Statistics(Protocol):
    """Counts across the capabilities' tables, read in one go."""

    def gather(self, since: datetime, votes: int = 10) -> Stats:
        """What the collection holds, and what happened since a moment."""


class CountMismatch(RuntimeError):
    """A copy did not arrive whole: a table holds another number of rows than its source."""


class Tables(Protocol):
    """Every table of a database as plain rows, for copying between backends.

    Chunk vectors travel as little-endian float32 bytes, as SQLite keeps them.
    """

    def names(self) -> set[str]:
        """The tables holding the collection (not migration records or derived indexes)."""

    def columns(self, table: str) -> list[str]:
        """A table's columns, in order."""

    def count(self, table: str) -> int:
        """How many rows a table holds."""

    def read(self, table: str, columns: Sequence[str]) -> Iterator[tuple]:
        """A table's rows, in key order."""

    def write(self, tables: Iterable[TableRows], expected: dict[str, int]) -> None:
        """In one transaction: replace each table's rows, rebuild what derives from them, and
        check every count against `expected` (CountMismatch: nothing is written)."""


def owners_from(
    configured: frozenset[int], stored: list[tuple[int, str | None, str]]
) -> list[Owner]:
    """Every owner by id: those configured, then those stored (user id, added by, added at)."""
    found = {user_id: "environment (CYBERBRIEF_OWNERS)" for user_id in configured}
    for user_id, added_by, added_at in stored:
        origin = f"added {added_at[:10]}" + (f" by {added_by}" if added_by else "")
        found.setdefault(user_id, origin)
    return [Owner(user_id, found[user_id]) for user_id in sorted(found)]


ENTRY = "a.id, a.title, a.source, a.published, a.url, a.ingested_at, length(a.text)"
