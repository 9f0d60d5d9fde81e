"""Commands for the feeds followed: add, list, remove, poll."""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from retrieval.alerts.alerter import Alerter, Matching
from retrieval.cli.common import CommandError
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.store import Store
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import Fetcher, FetchError
from retrieval.news.importing import as_opml, import_feeds
from retrieval.news.opml import OpmlError, read_opml, write_opml
from retrieval.news.poller import Poller
from retrieval.news.store import FeedNotFound, FeedStore


def register(commands: argparse._SubParsersAction) -> None:
    """Add feeds add|list|remove|poll|import|export."""
    feeds = commands.add_parser("feeds", help="follow RSS and Atom feeds")
    actions = feeds.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="follow a feed (checked and read at once)")
    add.add_argument("url")
    add.set_defaults(handler=_feeds_add)
    actions.add_parser("list", help="the feeds followed, with errors").set_defaults(
        handler=_feeds_list
    )
    remove = actions.add_parser("remove", help="stop following a feed; its articles stay")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=_feeds_remove)
    poll = actions.add_parser("poll", help="poll every feed now and queue alerts")
    poll.set_defaults(handler=_feeds_poll)
    imports = actions.add_parser(
        "import",
        help="follow every feed of an OPML file (what feed readers export), e.g. "
        "data/feeds/cybercrime.opml; `feeds poll` or the bot then reads them",
    )
    imports.add_argument("file", type=Path, metavar="FILE.opml")
    imports.add_argument(
        "--offer",
        action="store_true",
        help="only when no feed is followed yet, and only after asking on a terminal",
    )
    imports.set_defaults(handler=_feeds_import)
    export = actions.add_parser("export", help="the feeds followed, as OPML")
    export.add_argument("--output", type=Path, metavar="FILE", help="write here (default: stdout)")
    export.set_defaults(handler=_feeds_export)


def _feeds(settings: Settings) -> tuple[Collection, Poller]:
    """The collection and a poller fetching with the configured address rules."""
    collection = Collection.open(settings)
    return collection, Poller(collection, Fetcher(settings.allowed_hosts))


def _feeds_add(args: argparse.Namespace, settings: Settings) -> int:
    """Follow a feed after checking it, storing its current items."""
    collection, poller = _feeds(settings)
    try:
        outcome, new = poller.add(args.url)
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
    alerts = f"{matching.queued} alert{'s' if matching.queued != 1 else ''} queued"
    return f"{stored} stored{old}; {alerts}"


def _feeds_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print the followed feeds."""
    feeds = FeedStore(Store(settings.db_path)).all()
    if not feeds:
        print("No feeds followed. Add one with: cyberbrief feeds add URL")
    for feed in feeds:
        print(f"#{feed.id} {feed.title or '(untitled)'} — {feed.url}")
        print(
            f"    every {feed.interval_minutes} min; last poll {feed.last_polled_at or 'never'}; "
            f"next {feed.next_poll_at or 'now'}"
        )
        if feed.last_error:
            print(f"    last error: {feed.last_error}")
    return 0


def _feeds_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Stop following a feed."""
    try:
        feed = FeedStore(Store(settings.db_path)).remove(args.id)
    except FeedNotFound as error:
        raise CommandError(f"no feed #{args.id} (see: cyberbrief feeds list)") from error
    print(f"stopped following #{feed.id} {feed.url}")
    return 0


def _feeds_poll(args: argparse.Namespace, settings: Settings) -> int:
    """Poll every feed now, queue alerts; exit 1 if a feed failed."""
    collection, poller = _feeds(settings)
    report = poller.poll_all()
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


def _feeds_import(args: argparse.Namespace, settings: Settings) -> int:
    """Follow the feeds of an OPML file; exit 1 if some could not be followed."""
    try:
        entries = read_opml(args.file.read_bytes())
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from error
    except OpmlError as error:
        raise CommandError(f"{args.file}: {error}") from error
    store = FeedStore(Store(settings.db_path))
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


def _feeds_export(args: argparse.Namespace, settings: Settings) -> int:
    """Print (or write) the followed feeds as OPML."""
    document = write_opml(as_opml(FeedStore(Store(settings.db_path)).all()), "cyberbrief feeds")
    if args.output is None:
        sys.stdout.write(document)
        return 0
    args.output.write_text(document, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0
