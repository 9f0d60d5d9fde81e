"""The collection as commands open it: refusing an empty one, checking the outlet asked for."""

import argparse
import difflib
import sys
from datetime import timedelta

from retrieval.cli.common import CommandError, how_to_add_articles, program
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.models import Outlet
from retrieval.core.store import Filters
from retrieval.language.messages import _, ngettext


def open_articles(settings: Settings) -> Collection:
    """The collection when it holds articles; else an error saying how to add some."""
    empty = _("no articles in %(path)s yet; %(how)s") % {
        "path": settings.database,
        "how": how_to_add_articles(),
    }
    if not settings.db_url and not settings.db_path.exists():  # a mistyped path stays visible
        raise CommandError(empty)
    collection = Collection.open(settings)
    if not collection.summary().articles:
        raise CommandError(empty)
    stale = collection.stale_articles()
    if stale:
        print(
            ngettext(
                "warning: %(count)s article embedded by another model variant is found by "
                "keywords only until `%(command)s` re-embeds it",
                "warning: %(count)s articles embedded by another model variant are found by "
                "keywords only until `%(command)s` re-embeds them",
                len(stale),
            )
            % {"count": f"{len(stale):,}", "command": f"{program()} ingest"},
            file=sys.stderr,
        )
    return collection


def filters_of(args: argparse.Namespace, collection: Collection) -> Filters:
    """Filters from the command line options, the outlet checked against those stored."""
    return Filters(
        published_from=args.since.isoformat() if args.since else None,
        published_before=(args.until + timedelta(days=1)).isoformat() if args.until else None,
        source=outlet_named(args.source, collection.outlets()) if args.source else None,
    )


def outlet_named(name: str, outlets: list[Outlet]) -> str:
    """The stored outlet called `name` (in any case); else an error naming the closest ones."""
    names = {outlet.name.casefold(): outlet.name for outlet in outlets}
    wanted = " ".join(name.split()).casefold()
    if wanted in names:
        return names[wanted]
    containing = [names[key] for key in names if wanted and wanted in key]
    similar = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    closest = list(dict.fromkeys([*containing, *(names[key] for key in similar)]))[:3]
    names_said = _(" or ").join(repr(n) for n in closest)
    hint = _("; did you mean %(names)s?") % {"names": names_said} if closest else ""
    raise CommandError(
        _("no outlet called %(name)r%(hint)s (every outlet: %(command)s)")
        % {"name": name, "hint": hint, "command": f"{program()} sources"}
    )
