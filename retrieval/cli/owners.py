"""The owners command: who may manage the bot's feeds, stored in the database."""

import argparse
import getpass

from retrieval.cli.common import CommandError, program
from retrieval.core.config import Settings
from retrieval.core.database import open_database
from retrieval.operations.store import Owners, open_owners

HOW = "Each person can see their id by sending /whoami to the bot."


def _owners(settings: Settings) -> Owners:
    """The owners of the configured database, with CYBERBRIEF_OWNERS."""
    return open_owners(open_database(settings), settings.owners)


def add(args: argparse.Namespace, settings: Settings) -> int:
    """Store an owner."""
    if _owners(settings).add(args.id, getpass.getuser()):
        print(f"{args.id} is now an owner: they can add feeds with /addfeed in Telegram")
    else:
        print(f"{args.id} is already an owner")
    return 0


def remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a stored owner."""
    if _owners(settings).remove(args.id):
        print(f"{args.id} is no longer an owner")
        return 0
    if args.id in settings.owners:
        raise CommandError(f"{args.id} is set in CYBERBRIEF_OWNERS; remove it there")
    raise CommandError(f"{args.id} is not an owner (see: cyberbrief owners list)")


def list_owners(args: argparse.Namespace, settings: Settings) -> int:
    """Print the owners."""
    found = _owners(settings).all()
    if not found:
        print(f"No owners yet. Add one with: {program()} owners add ID. {HOW}")
    for owner in found:
        print(f"{owner.user_id}  {owner.origin}")
    return 0
