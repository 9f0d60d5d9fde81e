"""The owners command: who may manage the bot's feeds, stored in the database."""

import argparse
import getpass

from retrieval.cli.common import CommandError
from retrieval.core.config import Settings
from retrieval.core.store import Store
from retrieval.operations.store import Owners

HOW = "Each person can see their id by sending /whoami to the bot."


def register(commands: argparse._SubParsersAction) -> None:
    """Add owners add|remove|list."""
    owners = commands.add_parser(
        "owners", help="the bot's owners (Telegram user ids who manage its feeds)"
    )
    actions = owners.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="make a Telegram user an owner (their id: /whoami)")
    add.add_argument("id", type=int, metavar="ID")
    add.set_defaults(handler=_add)
    remove = actions.add_parser("remove", help="stop a stored owner being one")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(handler=_remove)
    actions.add_parser("list", help="the owners and where each was set").set_defaults(handler=_list)


def _owners(settings: Settings) -> Owners:
    """The owners of the configured database, with CYBERBRIEF_OWNERS."""
    return Owners(Store(settings.db_path), settings.owners)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    """Store an owner."""
    if args.id <= 0:
        raise CommandError(f"a Telegram user id is a positive number, not {args.id}. {HOW}")
    if _owners(settings).add(args.id, getpass.getuser()):
        print(f"{args.id} is now an owner: they can add feeds with /addfeed in Telegram")
    else:
        print(f"{args.id} is already an owner")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a stored owner."""
    if _owners(settings).remove(args.id):
        print(f"{args.id} is no longer an owner")
        return 0
    if args.id in settings.owners:
        raise CommandError(f"{args.id} is set in CYBERBRIEF_OWNERS; remove it there")
    raise CommandError(f"{args.id} is not an owner (see: cyberbrief owners list)")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    """Print the owners."""
    found = _owners(settings).all()
    if not found:
        print(f"No owners yet. Add one with: cyberbrief owners add ID. {HOW}")
    for owner in found:
        print(f"{owner.user_id}  {owner.origin}")
    return 0
