"""The db command: copying a whole collection between SQLite and PostgreSQL."""

import argparse
from pathlib import Path

from retrieval.cli.common import CommandError
from retrieval.cli.progress import progress_bar
from retrieval.core.config import Settings, is_postgres_url, redacted
from retrieval.core.database import Database, open_target
from retrieval.language.messages import _, ngettext
from retrieval.operations.copying import CopyError, copy_database, total_rows
from retrieval.operations.store import CountMismatch


def copy(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the database FROM into the empty database TO, with a progress bar."""
    names = _name(args.source), _name(args.target)
    if args.source == args.target:
        raise CommandError(_("FROM and TO are the same database"))
    source = _open(args.source, existing=True)
    target = _open(args.target)
    try:
        with progress_bar(total_rows(source), "rows") as bar:
            copied = copy_database(source, target, bar.update)
    except CopyError as error:
        raise CommandError(
            _("cannot copy into %(target)s: %(error)s") % {"target": names[1], "error": error}
        ) from error
    except CountMismatch as error:
        raise CommandError(
            _(
                "%(source)s changed during the copy, so nothing was written to %(target)s; "
                "stop what writes to it (the bot, feeds poll) and copy again"
            )
            % {"source": names[0], "target": names[1]}
        ) from error
    finally:
        source.close()
        target.close()
    counts = copied.counts
    articles = counts.get("articles", 0)
    print(
        ngettext(
            "copied %(count)s article (%(rows)s rows in %(tables)s tables) from %(source)s "
            "to %(target)s; every table's count checked",
            "copied %(count)s articles (%(rows)s rows in %(tables)s tables) from %(source)s "
            "to %(target)s; every table's count checked",
            articles,
        )
        % {
            "count": f"{articles:,}",
            "rows": f"{copied.rows:,}",
            "tables": len(counts),
            "source": names[0],
            "target": names[1],
        }
    )
    return 0


def _name(target: str) -> str:
    """A database for people: the URL without its password, or the path."""
    return redacted(target) if is_postgres_url(target) else target


def _open(target: str, existing: bool = False) -> Database:
    """A database to copy from or into; an error naming it if it cannot be opened."""
    if existing and not is_postgres_url(target) and not Path(target).expanduser().is_file():
        raise CommandError(_("no database %(target)s to copy from") % {"target": target})
    return open_target(target)  # a server that cannot be reached: one line, from main
