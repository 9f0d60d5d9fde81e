"""Commands for whoever runs the bot: backup."""

import argparse
from pathlib import Path

from retrieval.cli.common import CommandError
from retrieval.core.config import Settings
from retrieval.operations.backup import BackupError, backup


def register(commands: argparse._SubParsersAction) -> None:
    """Add backup."""
    saving = commands.add_parser(
        "backup", help="copy the database safely while the bot runs (SQLite's online backup)"
    )
    saving.add_argument("path", type=Path, metavar="PATH", help="a file, or a folder to put it in")
    saving.add_argument("--force", action="store_true", help="replace PATH if it exists")
    saving.set_defaults(handler=_backup)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    """Back the database up to a file."""
    try:
        made = backup(settings.db_path, args.path, replace=args.force)
    except BackupError as error:
        raise CommandError(str(error)) from error
    print(
        f"backed up {settings.db_path} to {made.path} ({made.bytes:,} bytes, check: {made.check})"
    )
    return 0 if made.check == "ok" else 1
