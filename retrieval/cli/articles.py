"""Commands over the stored articles: ingest, search, ask, chat."""

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from retrieval.cli import chat
from retrieval.cli.common import add_filter_options, filters_of
from retrieval.core.answer import EmptyQuestion
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.render import answer_json, answer_text, hit_record
from retrieval.core.search import MODES
from retrieval.language.messages import _
from retrieval.news.fetch import Fetcher, FetchError
from retrieval.news.poller import page_article
from retrieval.text.documents import Failure, RawArticle, find_files, read_file


def register(commands: argparse._SubParsersAction) -> None:
    """Add ingest, search, ask, chat and run."""
    ingest = commands.add_parser("ingest", help="store articles from files, folders and web pages")
    ingest.add_argument("paths", nargs="+", metavar="PATH|URL")
    ingest.set_defaults(handler=_ingest)

    search = commands.add_parser("search", help="find the passages that best match a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="how many results (default 5)")
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument("--json", action="store_true", help="one JSON object per result")
    add_filter_options(search)
    search.set_defaults(handler=_search)

    ask = commands.add_parser(
        "ask", help="answer a question with quotes ('-': one per line on stdin)"
    )
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_filter_options(ask)
    ask.set_defaults(handler=_ask)

    chat_command = commands.add_parser("chat", help="ask questions interactively in the terminal")
    chat_command.set_defaults(handler=_chat)

    run = commands.add_parser(
        "run", help="the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat"
    )
    run.set_defaults(handler=_chat)


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
        print(_("failed: %(name)s: %(reason)s") % vars(failure), file=sys.stderr)
    print(report.summary + " " + _("(database: %(path)s)") % {"path": settings.db_path})
    return 1 if report.failures else 0


def _page(fetcher: Fetcher, url: str) -> RawArticle | Failure:
    """The article on a web page, or why it could not be read."""
    try:
        return page_article(fetcher, url)
    except FetchError as error:
        return Failure(url, str(error))


def _search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the best passages for a query."""
    collection = Collection.open(settings)
    result = collection.search(
        args.query, args.k, filters_of(args), args.mode, hint=settings.language
    )
    articles = collection.store.articles(hit.article_id for hit in result.hits)
    records = [hit_record(hit, articles[hit.article_id]) for hit in result.hits]
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not records:
        print(_("No matching passages."))
    for n, record in enumerate(records, 1):
        print(
            f"{n}. [{record['score']:.3f}] {record['title']} ({record['source'] or _('unknown')},"
            f" {str(record['published'] or '')[:10]})"
        )
        print(f"   {str(record['text'])[:300]}")
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line of standard input as JSON Lines."""
    collection = Collection.open(settings)
    filters = filters_of(args)
    hint = settings.language
    if args.question != "-":
        answer = collection.ask(args.question, filters, hint=hint)
        print(answer_json(answer) if args.json else answer_text(answer))
        return 0
    failed = 0
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        try:
            print(answer_json(collection.ask(question, filters, hint=hint)), flush=True)
        except EmptyQuestion as error:
            failed += 1
            print(json.dumps({"question": question, "error": str(error)}), flush=True)
    return 1 if failed else 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    """Ask questions interactively in the terminal."""
    return chat.run(Collection.open(settings), sys.stdin, sys.stdout, settings.language)
