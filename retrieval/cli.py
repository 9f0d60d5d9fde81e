"""The `cyberbrief` command: ingest, search, ask, chat, evaluate."""

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tqdm import tqdm

from retrieval import chat, evaluation
from retrieval.alerts import Alerter
from retrieval.answer import EmptyQuestion
from retrieval.briefing import Briefer, parse_window
from retrieval.briefing_render import briefing_html, briefing_json, briefing_text
from retrieval.collection import Collection
from retrieval.config import Settings
from retrieval.documents import Failure, find_files, read_file
from retrieval.feeds import FeedError
from retrieval.feedstore import FeedNotFound, FeedStore
from retrieval.fetch import Fetcher, FetchError
from retrieval.models import RawArticle
from retrieval.poller import Poller, page_article
from retrieval.render import answer_json, answer_text, hit_record
from retrieval.search import MODES
from retrieval.store import Filters, Store


class CommandError(Exception):
    """A problem to report to the user in one line, exiting non-zero."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser, _ = build_parser()
    return run(parser, argv)


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse arguments, set up logging and settings, and run the chosen command's handler."""
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env(db=args.db)
    try:
        return int(args.handler(args, settings) or 0)
    except (CommandError, EmptyQuestion) as error:
        print(f"cyberbrief: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The argument parser with all subcommands, and its subcommands for front ends to extend."""
    parser = argparse.ArgumentParser(
        prog="cyberbrief",
        description="Answer questions about news articles with verbatim, cited quotes.",
    )
    parser.add_argument(
        "--db",
        help="SQLite database (default: $CYBERBRIEF_DB, else "
        "$XDG_DATA_HOME/cyberbrief/cyberbrief.db)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="store articles from files, folders and web pages")
    ingest.add_argument("paths", nargs="+", metavar="PATH|URL")
    ingest.set_defaults(handler=_ingest)

    search = commands.add_parser("search", help="find the passages that best match a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="how many results (default 5)")
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument("--json", action="store_true", help="one JSON object per result")
    _filter_options(search)
    search.set_defaults(handler=_search)

    ask = commands.add_parser(
        "ask", help="answer a question with quotes ('-': one per line on stdin)"
    )
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _filter_options(ask)
    ask.set_defaults(handler=_ask)

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

    briefing = commands.add_parser("briefing", help="what is new: stories grouped and quoted")
    briefing.add_argument(
        "--since",
        help="a window (24h, 7d, 2w) or a date; default: since the chat's last briefing, "
        "at most 7d",
    )
    briefing.add_argument("--chat", type=int, help="rank for this chat's subscriptions")
    briefing.add_argument("--format", choices=("text", "html", "json"), default="text")
    briefing.set_defaults(handler=_briefing)

    chat_command = commands.add_parser("chat", help="ask questions interactively in the terminal")
    chat_command.set_defaults(handler=_chat)

    run = commands.add_parser(
        "run", help="the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat"
    )
    run.set_defaults(handler=_chat)

    evaluate = commands.add_parser("eval", help="measure retrieval on public data sets")
    datasets = evaluate.add_subparsers(required=True, metavar="DATASET")
    squad = datasets.add_parser("squad", help="SQuAD v1.1 dev: paragraph accuracy, quote accuracy")
    squad.add_argument("path", type=Path)
    squad.add_argument("--limit", type=int, help="only the first N questions")
    squad.add_argument("--store", type=Path, help="keep the evaluation database here, to reuse")
    squad.set_defaults(handler=_eval_squad)
    beir = datasets.add_parser("beir", help="a BEIR folder (e.g. SciFact): nDCG@10, recall@100")
    beir.add_argument("path", type=Path)
    beir.add_argument("--split", default="test")
    beir.add_argument("--store", type=Path, help="keep the evaluation database here, to reuse")
    beir.set_defaults(handler=_eval_beir)
    return parser, commands


def _filter_options(parser: argparse.ArgumentParser) -> None:
    """Add the publication date and outlet filters."""
    parser.add_argument("--since", type=date.fromisoformat, help="published on or after DATE")
    parser.add_argument("--until", type=date.fromisoformat, help="published on or before DATE")
    parser.add_argument("--source", help="only articles from this outlet")


def _filters(args: argparse.Namespace) -> Filters:
    """Filters from the command line options."""
    return Filters(
        published_from=args.since.isoformat() if args.since else None,
        published_before=(args.until + timedelta(days=1)).isoformat() if args.until else None,
        source=args.source,
    )


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Store articles from files, folders and web pages; exit 1 if anything failed."""
    urls = [p for p in args.paths if p.startswith(("http://", "https://"))]
    files: list[Path | Failure | str] = [
        *find_files([Path(p) for p in args.paths if p not in urls]),
        *urls,
    ]
    collection = Collection.open(settings)
    fetcher = Fetcher(settings.allowed_hosts)
    show = len(files) >= 20 and sys.stderr.isatty()
    with tqdm(total=len(files), unit="file", disable=not show, file=sys.stderr) as bar:

        def items() -> Iterator[RawArticle | Failure]:
            for entry in files:
                if isinstance(entry, str):
                    yield _page(fetcher, entry)
                elif isinstance(entry, Failure):
                    yield entry
                else:
                    yield from read_file(entry)
                bar.update(1)

        report = collection.ingest(items())
    for failure in report.failures:
        print(f"failed: {failure.name}: {failure.reason}", file=sys.stderr)
    print(f"{report.summary} (database: {settings.db_path})")
    return 1 if report.failures else 0


def _page(fetcher: Fetcher, url: str) -> RawArticle | Failure:
    """The article on a web page, or why it could not be read."""
    try:
        return page_article(fetcher, url)
    except FetchError as error:
        return Failure(url, str(error))


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
    queued = Alerter(collection).match_new()
    feed = outcome.feed
    if not new:
        print(f"already following #{feed.id} {feed.url}")
        return 0
    print(f"following #{feed.id} {feed.title or feed.url}: {outcome.new} new articles")
    if queued:
        print(f"{queued} alerts queued")
    return 0


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
    print(f"{report.new} new articles; {queued} alerts queued")
    return 1 if report.errors else 0


def _briefing(args: argparse.Namespace, settings: Settings) -> int:
    """Print the briefing of what was stored since a time."""
    briefer = Briefer(Collection.open(settings))
    since = _since(args.since, briefer.clock()) if args.since else briefer.since_last(args.chat)
    briefing = briefer.build(since, chat_id=args.chat)
    render = {"text": briefing_text, "html": briefing_html, "json": briefing_json}[args.format]
    print(render(briefing))
    return 0


def _since(text: str, now: datetime) -> datetime:
    """A start time from a window ("7d") or an ISO date or date-time (UTC unless it says)."""
    try:
        return now - parse_window(text)
    except ValueError as window_error:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--since: {window_error}, or a date like 2026-11-01") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the best passages for a query."""
    collection = Collection.open(settings)
    result = collection.search(args.query, args.k, _filters(args), args.mode)
    articles = collection.store.articles(hit.article_id for hit in result.hits)
    records = [hit_record(hit, articles[hit.article_id]) for hit in result.hits]
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not records:
        print("No matching passages.")
    for n, record in enumerate(records, 1):
        print(
            f"{n}. [{record['score']:.3f}] {record['title']} ({record['source'] or 'unknown'},"
            f" {str(record['published'] or '')[:10]})"
        )
        print(f"   {str(record['text'])[:300]}")
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line of standard input as JSON Lines."""
    collection = Collection.open(settings)
    filters = _filters(args)
    if args.question != "-":
        answer = collection.ask(args.question, filters)
        print(answer_json(answer) if args.json else answer_text(answer))
        return 0
    failed = 0
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        try:
            print(answer_json(collection.ask(question, filters)), flush=True)
        except EmptyQuestion as error:
            failed += 1
            print(json.dumps({"question": question, "error": str(error)}), flush=True)
    return 1 if failed else 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    """Ask questions interactively in the terminal."""
    return chat.run(Collection.open(settings), sys.stdin, sys.stdout)


def _eval_squad(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on SQuAD v1.1 dev and print the table."""
    print(evaluation.squad_report(args.path, limit=args.limit, db=args.store))
    return 0


def _eval_beir(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on a BEIR data set and print the table."""
    print(evaluation.beir_report(args.path, split=args.split, db=args.store))
    return 0


if __name__ == "__main__":
    sys.exit(main())
