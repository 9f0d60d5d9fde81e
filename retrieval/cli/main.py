"""The `cyberbrief` command: parse, set up logging and settings, run the command, report errors.

Errors are printed once, here, as one line each with a non-zero exit; log messages only
with -v. A command's module is imported when it runs (see parser.py), so this stays light.
"""

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from retrieval.cli.common import CommandError, program
from retrieval.cli.parser import build_parser
from retrieval.core.config import (
    ConfigError,
    EmbedderUnavailable,
    Settings,
    default_db_path,
    language_from,
)
from retrieval.language.detection import Language
from retrieval.language.messages import _, speaking

Handler = Callable[[argparse.Namespace, Settings], int | None]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    with speaking(language_asked(argv)):
        parser, _commands = build_parser()
        return run(parser, argv)


def language_asked(argv: list[str] | None) -> Language:
    """The language of messages, before the parser (whose help it speaks) is built: --lang,
    else CYBERBRIEF_LANG, else the locale's."""
    words = sys.argv[1:] if argv is None else argv
    lang = None
    for n, word in enumerate(words):
        if word == "--lang" and n + 1 < len(words):
            lang = words[n + 1]
        elif word.startswith("--lang="):
            lang = word.removeprefix("--lang=")
    return language_from(lang, os.environ)


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse arguments, set up logging and settings, and run the chosen command's handler."""
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):  # no command: what to type first
        parser.print_help(sys.stderr)
        return 2
    levels = {0: args.log_level, 1: logging.INFO}
    logging.basicConfig(
        level=levels.get(args.verbose, logging.DEBUG),
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token
    try:
        settings = Settings.from_env(db=args.db, lang=args.lang)
    except ConfigError as error:
        print(f"{program()}: {error}", file=sys.stderr)
        return 2
    with speaking(settings.language):
        return _run(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command's handler; errors as one line each."""
    try:
        check_database(settings.db_path, explicit=settings.db_path != default_db_path(os.environ))
        return int(handler(args.handler)(args, settings) or 0)
    except BrokenPipeError:  # (a ConnectionError, so first) the reader went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (CommandError, ConfigError, EmbedderUnavailable, ConnectionError) as error:
        print(f"{program()}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one line for people; the traceback with -v
        if args.verbose:
            raise
        print(
            f"{program()}: "
            + _("unexpected error: %(error)s (run with -v to see where)")
            % {"error": f"{error.__class__.__name__}: {error}"},
            file=sys.stderr,
        )
        return 1


def handler(reference: str) -> Handler:
    """The function a command runs, from "module:function", importing its module now."""
    module, _colon, name = reference.partition(":")
    found: Handler = getattr(importlib.import_module(module), name)
    return found


def check_database(path: Path, explicit: bool) -> None:
    """Refuse a database path that is a folder, or (when given) whose folder does not exist."""
    if path.is_dir():
        raise CommandError(
            _("%(path)s is a folder; give the database a file name, e.g. %(example)s")
            % {"path": path, "example": path / "cyberbrief.db"}
        )
    if explicit and not path.parent.is_dir():
        raise CommandError(
            _("no folder %(folder)s for the database %(path)s (check --db or CYBERBRIEF_DB)")
            % {"folder": path.parent, "path": path}
        )


if __name__ == "__main__":
    sys.exit(main())
