"""Commands for the feeds followed: add, list, remove, poll, import and export (OPML)."""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from retrieval.alerts.alerter import Alerter, Matching
from retrieval.cli.common import CommandError, program
from retrieval.cli.progress import progress_bar
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.database import open_database
from retrieval.language.messages import _, ngettext
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import Fetcher, FetchError, PrivateAddress
from retrieval.news.importing import as_opml, import_feeds
from retrieval.news.opml import OpmlError, read_opml, write_opml
from retrieval.news.poller import Poller
from retrieval.news.store import FeedNotFound, FeedStore, open_feeds


def _poller(settings: Settings) -> tuple[Collection, Poller]:
    """The collection and a poller fetching with the configured address rules."""
    collection = Collection.open(settings)
    return collection, Poller(collection, Fetcher(settings.allowed_hosts))


def add(args: argparse.Namespace, settings: Settings) -> int:
    """Follow a feed after checking it, storing its current items."""
    collection, poller = _poller(settings)
    try:
        outcome, new = poller.add(args.url)
    except PrivateAddress as error:
        raise CommandError(
            _(
                "cannot follow %(url)s: %(error)s (to allow it for local testing, "
                "set CYBERBRIEF_ALLOW_HOSTS=%(host)s)"
            )
            % {"url": args.url, "error": error, "host": error.host}
        ) from error
    except (FetchError, FeedError) as error:
        raise CommandError(
            _("cannot follow %(url)s: %(error)s") % {"url": args.url, "error": error}
        ) from error
    matching = _alerter(collection, settings).match()
    feed = outcome.feed
    if not new:
        print(_("already following #%(id)s %(url)s") % {"id": feed.id, "url": feed.url})
        return 0
    print(_("following #%(id)s %(name)s") % {"id": feed.id, "name": feed.title or feed.url})
    print(_summary(outcome.new, matching, settings))
    return 0


def _alerter(collection: Collection, settings: Settings) -> Alerter:
    """The alerter with the configured age of news."""
    return Alerter(collection, news_age=timedelta(days=settings.policy.news_days))


def _summary(stored: int, matching: Matching, settings: Settings) -> str:
    """ "12 stored, 3 too old to alert (over 7 days); 2 alerts queued"."""
    days = settings.policy.news_days
    summary = _("%(count)d stored") % {"count": stored}
    if matching.too_old:
        summary += ", " + _("%(count)d too old to alert (over %(days)d days)") % {
            "count": matching.too_old,
            "days": days,
        }
    queued = matching.queued
    alerts = ngettext("%(count)d alert queued", "%(count)d alerts queued", queued)
    return f"{summary}; {alerts % {'count': queued}}"


def list_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Print the followed feeds."""
    feeds = open_feeds(open_database(settings)).all()
    if not feeds:
        print(
            _("No feeds followed. Add one with: %(command)s")
            % {"command": f"{program()} feeds add URL"}
        )
    for feed in feeds:
        print(f"#{feed.id} {feed.title or _('(untitled)')} — {feed.url}")
        schedule = _("every %(minutes)s min; last poll %(last)s; next %(next)s") % {
            "minutes": feed.interval_minutes,
            "last": feed.last_polled_at or _("never"),
            "next": feed.next_poll_at or _("now"),
        }
        print(f"    {schedule}")
        if feed.last_error:
            print("    " + _("last error: %(error)s") % {"error": feed.last_error})
    return 0


def remove(args: argparse.Namespace, settings: Settings) -> int:
    """Stop following a feed."""
    try:
        feed = open_feeds(open_database(settings)).remove(args.id)
    except FeedNotFound as error:
        raise CommandError(
            _("no feed #%(id)s (see: %(command)s)")
            % {"id": args.id, "command": f"{program()} feeds list"}
        ) from error
    print(_("stopped following #%(id)s %(url)s") % {"id": feed.id, "url": feed.url})
    return 0


def poll(args: argparse.Namespace, settings: Settings) -> int:
    """Poll every feed now, queue alerts; exit 1 if a feed failed."""
    collection, poller = _poller(settings)
    with progress_bar(len(poller.feeds.all()), "feed") as bar:
        report = poller.poll_all(on_feed=lambda _: bar.update())
    matching = _alerter(collection, settings).match()
    for outcome in report.feeds:
        feed = outcome.feed
        if outcome.error:
            state = _("failed: %(error)s") % {"error": outcome.error}
        elif outcome.unchanged:
            state = _("unchanged")
        else:
            state = _("%(new)d new, %(updated)d updated") % vars(outcome)
        print(f"#{feed.id} {feed.title or feed.url}: {state}")
        for warning in outcome.warnings:
            print("    " + _("warning: %(warning)s") % {"warning": warning})
    print(_summary(report.new, matching, settings))
    return 1 if report.errors else 0


def import_list(args: argparse.Namespace, settings: Settings) -> int:
    """Follow the feeds of an OPML file; exit 1 if some could not be followed."""
    try:
        entries = read_opml(args.file.read_bytes())
    except OSError as error:
        raise CommandError(
            _("cannot read %(file)s: %(error)s") % {"file": args.file, "error": error.strerror}
        ) from error
    except OpmlError as error:
        raise CommandError(f"{args.file}: {error}") from error
    store = open_feeds(open_database(settings))
    if args.offer and not _accept_offer(store, args.file, len(entries)):
        return 0
    results = import_feeds(Fetcher(settings.allowed_hosts), store, entries)
    for result in results:
        name = result.entry.title or result.entry.url
        if result.error:
            print(
                _("failed: %(name)s: %(reason)s") % {"name": name, "reason": result.error},
                file=sys.stderr,
            )
        elif result.feed is not None:
            state = _("following") if result.new else _("already following")
            print(f"{state} #{result.feed.id} {name} — {result.feed.url}")
    new = sum(r.new for r in results)
    failed = sum(r.error is not None for r in results)
    print(
        _(
            "%(new)d feeds followed, %(old)d already followed, %(failed)d failed; their articles "
            "arrive with the next poll (the running bot, or: %(command)s)"
        )
        % {
            "new": new,
            "old": len(results) - new - failed,
            "failed": failed,
            "command": f"{program()} feeds poll",
        }
    )
    return 1 if failed else 0


def _accept_offer(store: FeedStore, path: Path, count: int) -> bool:
    """Whether to import: no feed followed yet, and yes said on a terminal."""
    if store.all() or not sys.stdin.isatty():
        return False
    answer = input(
        _("No news feeds are followed yet. Follow the %(count)d feeds of %(path)s? [Y/n] ")
        % {"count": count, "path": path}
    )
    return answer.strip().lower() in {"", "y", "yes", "s", "sí", "si"}


def export(args: argparse.Namespace, settings: Settings) -> int:
    """Print (or write) the followed feeds as OPML."""
    document = write_opml(as_opml(open_feeds(open_database(settings)).all()), "cyberbrief feeds")
    if args.output is None:
        sys.stdout.write(document)
        return 0
    args.output.write_text(document, encoding="utf-8")
    print(_("wrote %(path)s") % {"path": args.output})
    return 0
