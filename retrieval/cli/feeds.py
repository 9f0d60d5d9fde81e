"""Commands for the feeds followed: add, list, remove, poll."""

import argparse

from retrieval.alerts.alerter import Alerter
from retrieval.cli.common import CommandError, plural, program
from retrieval.cli.progress import progress_bar
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.store import Store
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
            f"cannot follow {args.url}: {error} (to allow it for local testing, "
            f"set CYBERBRIEF_ALLOW_HOSTS={error.host})"
        ) from error
    except (FetchError, FeedError) as error:
        raise CommandError(f"cannot follow {args.url}: {error}") from error
    queued = Alerter(collection).match_new()
    feed = outcome.feed
    if not new:
        print(f"already following #{feed.id} {feed.url}")
        return 0
    print(f"following #{feed.id} {feed.title or feed.url}: {plural(outcome.new, 'new article')}")
    if queued:
        print(f"{plural(queued, 'alert')} queued")
    return 0


def list_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Print the followed feeds."""
    feeds = FeedStore(Store(settings.db_path)).all()
    if not feeds:
        print(f"No feeds followed. Add one with: {program()} feeds add URL")
    for feed in feeds:
        print(f"#{feed.id} {feed.title or '(untitled)'} — {feed.url}")
        print(
            f"    every {feed.interval_minutes} min; last poll {feed.last_polled_at or 'never'}; "
            f"next {feed.next_poll_at or 'now'}"
        )
        if feed.last_error:
            print(f"    last error: {feed.last_error}")
    return 0


def remove(args: argparse.Namespace, settings: Settings) -> int:
    """Stop following a feed."""
    try:
        feed = FeedStore(Store(settings.db_path)).remove(args.id)
    except FeedNotFound as error:
        raise CommandError(f"no feed #{args.id} (see: {program()} feeds list)") from error
    print(f"stopped following #{feed.id} {feed.url}")
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
            state = f"failed: {outcome.error}"
        elif outcome.unchanged:
            state = "unchanged"
        else:
            state = f"{outcome.new} new, {outcome.updated} updated"
        print(f"#{feed.id} {feed.title or feed.url}: {state}")
        for warning in outcome.warnings:
            print(f"    warning: {warning}")
    print(f"{plural(report.new, 'new article')}; {plural(queued, 'alert')} queued")
    return 1 if report.errors else 0
