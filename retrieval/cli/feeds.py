"""Commands for the feeds followed: add, list, remove, poll, import and export (OPML)."""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from retrieval.alerts.alerter import Alerter, Matching
from retrieval.cli.common import CommandError, plural, program
from retrieval.cli.progress import progress_bar
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.database import open_database
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
            f"cannot follow {args.url}: {error} (to allow it for local testing, "
            f"set CYBERBRIEF_ALLOW_HOSTS={error.host})"
        ) from error
    except (FetchError, FeedError) as error:
        raise CommandError(f"cannot follow {args.url}: {error}") from error
    matching = _alerter(collection, settings).match()
    feed = outcome.feed
    if not new:
        print(f"already following #{feed.id} {feed.url}")
        return 0
    print(f"following #{feed.id} {feed.title or feed.url}")
    print(_summary(outcome.new, matching, settings))
    return 0


def _alerter(collection: Collection, settings: Settings) -> Alerter:
    """The alerter with the configured age of news."""
    return Alerter(collection, news_age=timedelta(days=settings.policy.news_days))


def _summary(stored: int, matching: Matching, settings: Settings) -> str:
    """ "12 stored, 3 too old to alert (over 7 days); 2 alerts queued"."""
    days = settings.policy.news_days
    old = f", {matching.too_old} too old to alert (over {days} days)" if matching.too_old else ""
    return f"{stored} stored{old}; {plural(matching.queued, 'alert')} queued"


def list_feeds(args: argparse.Namespace, settings: Settings) -> int:
    """Print the followed feeds."""
    feeds = open_feeds(open_database(settings)).all()
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
        feed = open_feeds(open_database(settings)).remove(args.id)
    except FeedNotFound as error:
        raise CommandError(f"no feed #{args.id} (see: {program()} feeds list)") from error
    print(f"stopped following #{feed.id} {feed.url}")
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
            state = f"failed: {outcome.error}"
        elif outcome.unchanged:
            state = "unchanged"
        else:
            state = f"{outcome.new} new, {outcome.updated} updated"
        print(f"#{feed.id} {feed.title or feed.url}: {state}")
        for warning in outcome.warnings:
            print(f"    warning: {warning}")
    print(_summary(report.new, matching, settings))
    return 1 if report.errors else 0


def import_list(args: argparse.Namespace, settings: Settings) -> int:
    """Follow the feeds of an OPML file; exit 1 if some could not be followed."""
    try:
        entries = read_opml(args.file.read_bytes())
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from error
    except OpmlError as error:
        raise CommandError(f"{args.file}: {error}") from error
    store = open_feeds(open_database(settings))
    if args.offer and not _accept_offer(store, args.file, len(entries)):
        return 0
    results = import_feeds(Fetcher(settings.allowed_hosts), store, entries)
    for result in results:
        name = result.entry.title or result.entry.url
        if result.error:
            print(f"failed: {name}: {result.error}", file=sys.stderr)
        elif result.feed is not None:
            state = "following" if result.new else "already following"
            print(f"{state} #{result.feed.id} {name} — {result.feed.url}")
    new = sum(r.new for r in results)
    failed = sum(r.error is not None for r in results)
    print(
        f"{new} feeds followed, {len(results) - new - failed} already followed, {failed} failed; "
        "their articles arrive with the next poll (the running bot, or: cyberbrief feeds poll)"
    )
    return 1 if failed else 0


def _accept_offer(store: FeedStore, path: Path, count: int) -> bool:
    """Whether to import: no feed followed yet, and yes said on a terminal."""
    if store.all() or not sys.stdin.isatty():
        return False
    answer = input(f"No news feeds are followed yet. Follow the {count} feeds of {path}? [Y/n] ")
    return answer.strip().lower() in {"", "y", "yes"}


def export(args: argparse.Namespace, settings: Settings) -> int:
    """Print (or write) the followed feeds as OPML."""
    document = write_opml(as_opml(open_feeds(open_database(settings)).all()), "cyberbrief feeds")
    if args.output is None:
        sys.stdout.write(document)
        return 0
    args.output.write_text(document, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0
