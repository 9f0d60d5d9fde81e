"""Arguments checked where they are parsed: counts, dates and the filters shared by commands."""

import argparse
from datetime import date

from retrieval.cli.common import program
from retrieval.language.messages import _

DATE_FORMAT = "YYYY-MM-DD"


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a whole number, got '%(text)s'") % {"text": text}
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more, got %(value)s") % {"value": value})
    return value


def day(text: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a date as %(format)s (e.g. 2024-05-31), got '%(text)s'")
            % {"format": DATE_FORMAT, "text": text}
        ) from None


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """Add the publication date and outlet filters."""
    parser.add_argument(
        "--since", type=day, metavar=DATE_FORMAT, help=_("only articles published on or after it")
    )
    parser.add_argument(
        "--until", type=day, metavar=DATE_FORMAT, help=_("only articles published on or before it")
    )
    parser.add_argument(
        "--source",
        metavar="OUTLET",
        help=_("only articles from this outlet, in any case (the outlets: %(command)s)")
        % {"command": f"{program()} sources"},
    )
