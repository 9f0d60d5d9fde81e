"""What every command shares: the one-line error, and the date and outlet filters."""

import argparse
from datetime import date, timedelta

from retrieval.core.store import Filters


class CommandError(Exception):
    """A problem to report to the user in one line, exiting non-zero."""


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """Add the publication date and outlet filters."""
    parser.add_argument("--since", type=date.fromisoformat, help="published on or after DATE")
    parser.add_argument("--until", type=date.fromisoformat, help="published on or before DATE")
    parser.add_argument("--source", help="only articles from this outlet")


def filters_of(args: argparse.Namespace) -> Filters:
    """Filters from the command line options."""
    return Filters(
        published_from=args.since.isoformat() if args.since else None,
        published_before=(args.until + timedelta(days=1)).isoformat() if args.until else None,
        source=args.source,
    )
