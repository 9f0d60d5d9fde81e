"""What every command shares: the one-line error, the command's own name, hints."""

import os
import shutil
import sys
from pathlib import Path

from retrieval.language.messages import _

NAME = "cyberbrief"
_SHIPPED_ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


class CommandError(Exception):
    """A problem to report to the user in one line, exiting non-zero."""


def program() -> str:
    """How to call cyberbrief as typed: its name when that is on the PATH, else the path used."""
    invoked = sys.argv[0] if sys.argv else ""
    if Path(invoked).name != NAME:
        return NAME  # run as a module or from tests
    on_path = shutil.which(NAME)
    if on_path and Path(on_path).resolve() == Path(invoked).resolve():
        return NAME
    return invoked


def shipped_articles() -> str:
    """The shipped articles' folder as it can be typed here, or a placeholder when not shipped."""
    if not _SHIPPED_ARTICLES.is_dir():
        return "FOLDER"
    relative = os.path.relpath(_SHIPPED_ARTICLES)
    return relative if not relative.startswith("..") else str(_SHIPPED_ARTICLES)


def how_to_add_articles() -> str:
    """The commands that fill an empty collection, as they can be typed here."""
    return _("add some with: %(ingest)s (or follow a feed: %(follow)s)") % {
        "ingest": f"{program()} ingest {shipped_articles()}",
        "follow": f"{program()} feeds add URL",
    }
