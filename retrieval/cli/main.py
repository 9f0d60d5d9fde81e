"""The `cyberbrief` command: the parser, logging, settings, and one-line errors."""

import argparse
import logging
import sys

from retrieval.cli import articles, briefings, evaluate, feeds
from retrieval.cli.common import CommandError
from retrieval.core.answer import EmptyQuestion
from retrieval.core.config import Settings
from retrieval.language.detection import LANGUAGES
from retrieval.language.messages import speaking


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser, _ = build_parser()
    return run(parser, argv)


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse arguments, set up logging and settings, and run the chosen command's handler."""
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env(db=args.db, lang=args.lang)
    with speaking(settings.language):
        try:
            return int(args.handler(args, settings) or 0)
        except (CommandError, EmptyQuestion) as error:
            print(f"cyberbrief: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The argument parser with all subcommands, and its subcommands for front ends to extend."""
    parser = argparse.ArgumentParser(
        prog="cyberbrief",
        description="Answer questions about news articles with verbatim, cited quotes.",
    )
    parser.add_argument(
        "--db",
        help="SQLite database (default: $CYBERBRIEF_DB, else "
        "$XDG_DATA_HOME/cyberbrief/cyberbrief.db)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of messages and of questions too short to tell (default: "
        "$CYBERBRIEF_LANG, else the locale's, else en)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for capability in (articles, feeds, briefings, evaluate):
        capability.register(commands)
    return parser, commands


if __name__ == "__main__":
    sys.exit(main())
