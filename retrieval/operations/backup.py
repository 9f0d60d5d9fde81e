"""Backups of the live database with SQLite's online backup API."""

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PAGES_PER_STEP = 4096  # copied between short pauses, so writers are never held up for long


class BackupError(Exception):
    """A backup that could not be made; the message says why."""


@dataclass(frozen=True)
class Backup:
    """A finished backup: where it is, its size, and SQLite's verdict on it."""

    path: Path
    bytes: int
    check: str


def backup(source: Path, target: Path, replace: bool = False) -> Backup:
    """Copy the database at `source` to `target` (a file, or a folder to name one in).

    The copy is consistent even while the bot and other commands write: SQLite's backup API
    restarts the copy of pages changed meanwhile. It is written beside the target and renamed
    into place, so a half-made backup never looks like a whole one.
    """
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.is_dir():
        target = target / f"cyberbrief-{datetime.now(UTC):%Y%m%d-%H%M%S}.db"
    if target.exists() and not replace:
        raise BackupError(f"{target} exists; choose another name or pass --force")
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent}")
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
            live.backup(copy, pages=PAGES_PER_STEP)
            ((check,),) = copy.execute("PRAGMA quick_check").fetchall()
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {error}") from error
    return Backup(target, target.stat().st_size, str(check))
