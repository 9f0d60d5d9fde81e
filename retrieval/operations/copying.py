"""Moving a whole collection between databases (SQLite and PostgreSQL), checked by counts."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from retrieval.core.database import Database
from retrieval.operations.store import TableRows, Tables, open_tables

# Tables referred to come before those referring to them; tables not named here come last.
ORDER = (
    "articles", "chunks", "sentences", "embeddings", "meta",
    "answers", "answer_messages", "feedback", "chat_settings",
    "feeds", "feed_items", "stories", "subscriptions", "alerts",
    "schedules", "briefings", "briefing_messages", "owners",
)  # fmt: skip
SEEDED = {"meta"}  # tables every new database starts with rows in: replaced by the copy's


class CopyError(ValueError):
    """The copy cannot be made: the target is not empty, or cannot hold what the source has."""


@dataclass(frozen=True)
class Copied:
    """What a copy moved: rows per table, in the order written."""

    counts: dict[str, int]

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(self.counts.values())


def plan(source: Tables, target: Tables) -> dict[str, list[str]]:
    """The tables to copy, in order, with their columns; CopyError if some data would be lost
    or the target already holds some."""
    theirs = target.names()
    lost = sorted(name for name in source.names() - theirs if source.count(name))
    if lost:
        raise CopyError(f"the target has no table {', '.join(lost)}: is its schema older?")
    names = sorted(source.names() & theirs, key=_position)
    tables: dict[str, list[str]] = {}
    for name in names:
        columns = source.columns(name)
        missing = [column for column in columns if column not in target.columns(name)]
        if missing:
            raise CopyError(f"the target's {name} has no column {', '.join(missing)}")
        tables[name] = columns
    filled = [name for name in names if name not in SEEDED and target.count(name)]
    if filled:
        raise CopyError(
            f"the target is not empty ({', '.join(filled)} hold rows): copy into a new database"
        )
    return tables


def copy_database(
    source: Database, target: Database, on_rows: Callable[[int], None] = lambda n: None
) -> Copied:
    """Copy every row of one database into another, empty one, in one transaction there.

    The counts are checked before it commits: a source written to meanwhile fails the copy
    (CountMismatch) and the target stays empty. `on_rows` hears of each thousand rows written.
    """
    if source is target:
        raise CopyError("the source and the target are the same database")
    tables_from, tables_to = open_tables(source), open_tables(target)
    tables = plan(tables_from, tables_to)
    expected = {name: tables_from.count(name) for name in tables}
    parts = (
        TableRows(name, tuple(columns), _counted(tables_from.read(name, columns), on_rows))
        for name, columns in tables.items()
    )
    tables_to.write(parts, expected)
    return Copied(expected)


def total_rows(source: Database) -> int:
    """How many rows a copy of a database moves, for a progress bar."""
    tables = open_tables(source)
    return sum(tables.count(name) for name in tables.names())


def _position(table: str) -> tuple[int, str]:
    """Where a table comes in the copy: as ORDER says, the others after them by name."""
    return (ORDER.index(table), "") if table in ORDER else (len(ORDER), table)


def _counted(rows: Iterable[tuple], on_rows: Callable[[int], None]) -> Iterator[tuple]:
    """The rows, telling `on_rows` of each thousand (and of the rest at the end)."""
    done = 0
    for done, row in enumerate(rows, 1):
        yield row
        if done % 1000 == 0:
            on_rows(1000)
    on_rows(done % 1000)
