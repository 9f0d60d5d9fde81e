"""Commands over the stored articles: search, ask, chat and the outlets stored.

They import only the core: no page extraction, feed parsing, HTTP or evaluation code.
"""

import argparse
import json
import sys
from dataclasses import asdict

from retrieval.cli import chat as terminal_chat
from retrieval.cli.collection import filters_of, open_articles
from retrieval.cli.common import CommandError
from retrieval.core.answer import EmptyQuestion
from retrieval.core.config import Settings
from retrieval.core.render import answer_json, answer_text, hit_record
from retrieval.language.messages import _, ngettext


def search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the best passages for a query."""
    collection = open_articles(settings)
    filters = filters_of(args, collection)
    result = collection.search(args.query, args.k, filters, args.mode, hint=settings.language)
    articles = collection.store.articles(hit.article_id for hit in result.hits)
    records = [hit_record(hit, articles[hit.article_id]) for hit in result.hits]
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not records:
        print(_("No matching passages."))
    for n, record in enumerate(records, 1):
        where = [str(record["source"] or _("unknown outlet")), str(record["published"] or "")[:10]]
        print(f"{n}. [{record['score']:.3f}] {record['title']} ({', '.join(filter(None, where))})")
        print(f"   {str(record['text'])[:300]}")
    return 0


def ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line of standard input as JSON Lines."""
    collection = open_articles(settings)
    filters = filters_of(args, collection)
    hint = settings.language
    if args.question != "-":
        try:
            answer = collection.ask(args.question, filters, hint=hint)
        except EmptyQuestion as error:
            raise CommandError(str(error)) from error
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


def chat(args: argparse.Namespace, settings: Settings) -> int:
    """Ask questions one after another in the terminal."""
    history = terminal_chat.history_file(settings)
    collection = open_articles(settings)
    return terminal_chat.run(collection, sys.stdin, sys.stdout, history, settings.language)


def sources(args: argparse.Namespace, settings: Settings) -> int:
    """Print every outlet stored, with its number of articles and their dates."""
    collection = open_articles(settings)
    outlets = collection.outlets()
    if args.json:
        for outlet in outlets:
            print(json.dumps(asdict(outlet), ensure_ascii=False))
        return 0
    width = max((len(outlet.name) for outlet in outlets), default=0)
    for outlet in outlets:
        dates = sorted({(d or "")[:10] for d in (outlet.first_published, outlet.last_published)})
        span = _(" to ").join(d for d in dates if d) or _("undated")
        count = ngettext("%(count)s article", "%(count)s articles", outlet.articles) % {
            "count": f"{outlet.articles:,}"
        }
        print(f"{outlet.name:<{width}}  {count:>12}  {span}")
    unnamed = collection.summary().articles - sum(outlet.articles for outlet in outlets)
    if unnamed:
        print(
            ngettext(
                "(%(count)s article names no outlet)",
                "(%(count)s articles name no outlet)",
                unnamed,
            )
            % {"count": f"{unnamed:,}"}
        )
    return 0
