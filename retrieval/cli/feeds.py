"""Commands for the feeds followed: add, list, remove, poll."""

import argparse

from retrieval.alerts.alerter import Alerter
from retrieval.cli.common import CommandError, program
from retrieval.cli.progress import progress_bar
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.store import Store
from retrieval.language.messages import _, ngettext
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import Fetcher, FetchError, PrivateAddress
from retrieval.news.poller import Poller
from retrieval.news.store import FeedNotFound, FeedStore


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
    queued = Alerter(collection).match_new()
    feed = outcome.feed
    if not new:
        print(_("already following #%(id)s %(url)s") % {"id": feed.id, "url": feed.url})
        return 0
    print(
        ngettext(
            "following #%(id)s %(name)s: %(count)d new article",
            "following #%(id)s %(name)s: %(count)d new articles",
            outcome.new,
        )
        % {"id": feed.id, "name": feed.title or feed.url, "count": outcome.new}
    )
    if queued:
        print(
            ngettext("%(count)d alert queued", "%(count)d alerts queued", queued)
            % {"count": queued}
        )
    return 0


def list_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Print the followed feeds."""
    feeds = FeedStore(Store(settings.db_path)).all()
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
        feed = FeedStore(Store(settings.db_path)).remove(args.id)
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
    queued = Alerter(collection).match_new()
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
    new = ngettext("%(count)d new article", "%(count)d new articles", report.new)
    alerts = ngettext("%(count)d alert queued", "%(count)d alerts queued", queued)
    print(f"{new % {'count': report.new}}; {alerts % {'count': queued}}")
    return 1 if report.errors else 0
