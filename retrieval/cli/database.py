"""The db command: copying a whole collection between SQLite and PostgreSQL."""

import argparse
from pathlib import Path

from retrieval.cli.common import CommandError, plural
from retrieval.cli.progress import progress_bar
from retrieval.core.config import Settings, is_postgres_url, redacted
from retrieval.core.database import Database, open_target
from retrieval.operations.copying import CopyError, copy_database, total_rows
from retrieval.operations.store import CountMismatch


def copy(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the database FROM into the empty database TO, with a progress bar."""
    names = _name(args.source), _name(args.target)
    if args.source == args.target:
        raise CommandError("FROM and TO are the same database")
    source = _open(args.source, existing=True)
    target = _open(args.target)
    try:
        with progress_bar(total_rows(source), "rows") as bar:
            copied = copy_database(source, target, bar.update)
    except CopyError as error:
        raise CommandError(f"cannot copy into {names[1]}: {error}") from error
    except CountMismatch as error:
        raise CommandError(
            f"{names[0]} changed during the copy, so nothing was written to {names[1]}; "
            "stop what writes to it (the bot, feeds poll) and copy again"
        ) from error
    finally:
        source.close()
        target.close()
    counts = copied.counts
    print(
        f"copied {plural(counts.get('articles', 0), 'article')} "
        f"({copied.rows:,} rows in {len(counts)} tables) from {names[0]} to {names[1]}; "
        "every table's count checked"
    )
    return 0


def _name(target: str) -> str:
    """A database for people: the URL without its password, or the path."""
    return redacted(target) if is_postgres_url(target) else target


def _open(target: str, existing: bool = False) -> Database:
    """A database to copy from or into; an error naming it if it cannot be opened."""
    if existing and not is_postgres_url(target) and not Path(target).expanduser().is_file():
        raise CommandError(f"no database {target} to copy from")
    return open_target(target)  # a server that cannot be reached: one line, from main
