"""Commands for whoever runs the bot: backup."""

import argparse

from retrieval.cli.common import CommandError
from retrieval.core.config import Settings
from retrieval.operations import backup as backups


def backup(args: argparse.Namespace, settings: Settings) -> int:
    """Back the database up to a file."""
    try:
        made = backups.backup(settings.db_path, args.path, replace=args.force)
    except backups.BackupError as error:
        raise CommandError(str(error)) from error
    print(
        f"backed up {settings.db_path} to {made.path} ({made.bytes:,} bytes, check: {made.check})"
    )
    return 0 if made.check == "ok" else 1
