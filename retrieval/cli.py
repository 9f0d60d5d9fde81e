"""The `cyberbrief` command: ingest, search, ask, chat, evaluate."""

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

from retrieval import chat, evaluation
from retrieval.answer import EmptyQuestion
from retrieval.collection import Collection
from retrieval.config import Settings
from retrieval.documents import Failure, find_files, read_file
from retrieval.models import RawArticle
from retrieval.render import answer_json, answer_text, hit_record
from retrieval.search import MODES
from retrieval.store import Filters


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

    ingest = commands.add_parser("ingest", help="store articles from files and folders")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
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
    """Store articles from files and folders; exit 1 if anything failed."""
    files = list(find_files(args.paths))
    collection = Collection.open(settings)
    show = len(files) >= 20 and sys.stderr.isatty()
    with tqdm(total=len(files), unit="file", disable=not show, file=sys.stderr) as bar:

        def items() -> Iterator[RawArticle | Failure]:
            for entry in files:
                yield from [entry] if isinstance(entry, Failure) else read_file(entry)
                bar.update(1)

        report = collection.ingest(items())
    for failure in report.failures:
        print(f"failed: {failure.name}: {failure.reason}", file=sys.stderr)
    print(f"{report.summary} (database: {settings.db_path})")
    return 1 if report.failures else 0


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
