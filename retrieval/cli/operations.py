"""Commands for whoever runs the bot: the articles stored, statistics, backups."""

import argparse
from datetime import UTC, datetime, timedelta

from retrieval.cli.common import CommandError, program
from retrieval.core.config import Settings
from retrieval.core.database import open_database
from retrieval.core.render import clip
from retrieval.operations import backup as backups
from retrieval.operations.store import (
    ArticleEntry,
    ArticleGone,
    Stats,
    open_shelf,
    open_statistics,
)

PREVIEW = 600


def articles_list(args: argparse.Namespace, settings: Settings) -> int:
    """The articles stored last, newest first, with their ids."""
    found = open_shelf(open_database(settings)).newest(args.limit, args.source)
    if not found:
        print(f"No articles stored{' from ' + args.source if args.source else ''}.")
    for entry in found:
        print(_line(entry))
    return 0


def _line(entry: ArticleEntry) -> str:
    """One article in a line: id, date, outlet, title."""
    date = (entry.published or "undated")[:10]
    return f"#{entry.id}  {date}  {entry.source or '(no outlet)'} — {clip(entry.title, 100)}"


def articles_show(args: argparse.Namespace, settings: Settings) -> int:
    """One stored article: where it comes from and how it begins."""
    store = open_database(settings)
    try:
        entry = open_shelf(store).entry(args.id)
    except ArticleGone as error:
        raise CommandError(f"no article #{args.id} (see: {program()} articles list)") from error
    text = store.article(args.id).text
    print(entry.title)
    print(f"  outlet: {entry.source or '-'}; published: {entry.published or 'undated'}")
    print(f"  stored: {entry.ingested_at}; {entry.chars:,} characters")
    print(f"  link: {entry.url or '-'}")
    if entry.feeds:
        print(f"  from feeds: {', '.join(entry.feeds)}")
    print()
    print(clip(text, PREVIEW))
    return 0


def articles_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Delete a stored article for good."""
    try:
        gone = open_shelf(open_database(settings)).remove(args.id)
    except ArticleGone as error:
        raise CommandError(f"no article #{args.id} (see: {program()} articles list)") from error
    print(f"removed {_line(gone)}")
    return 0


def stats(args: argparse.Namespace, settings: Settings) -> int:
    """The bot at a glance."""
    since = datetime.now(UTC) - timedelta(days=args.days)
    print(stats_text(open_statistics(open_database(settings)).gather(since), args.days))
    return 0


def stats_text(found: Stats, days: int) -> str:
    """Statistics as plain text."""
    lines = [
        f"articles: {found.articles:,} from {found.outlets} outlets "
        f"({found.stored_since:,} stored in the last {days} days; newest "
        f"{(found.newest or 'none')[:10]})",
        f"feeds: {len(found.feeds)} ({sum(1 for f in found.feeds if f.errors)} failing)",
    ]
    for feed in found.feeds:
        state = (
            f"{feed.errors} failed polls: {clip(feed.last_error or '', 120)}"
            if feed.errors
            else "ok"
        )
        polled = (feed.last_polled_at or "never")[:16]
        lines.append(f"  #{feed.id} {clip(feed.name, 60)} — last poll {polled}; {state}")
    lines += [
        f"chats: {found.chats}; subscriptions: {found.subscriptions} in "
        f"{found.subscribed_chats} chats; alerts sent in the last {days} days: "
        f"{found.alerts_sent}",
        f"questions in the last {days} days: {found.answered} answered, "
        f"{found.abstained} not covered by the articles",
        f"votes in the last {days} days: 👍 {found.up}, 👎 {found.down}",
    ]
    lines += [
        f"  {'👍' if vote.vote > 0 else '👎'} {vote.given_at[:10]} {clip(vote.question, 100)}"
        for vote in found.votes
    ]
    return "\n".join(lines)


def backup(args: argparse.Namespace, settings: Settings) -> int:
    """Back the database up to a file."""
    if settings.db_url:
        raise CommandError(
            f"backup copies a SQLite file; back {settings.database} up with pg_dump, "
            f"or copy it into a SQLite file with: {program()} db copy URL FILE"
        )
    try:
        made = backups.backup(settings.db_path, args.path, replace=args.force)
    except backups.BackupError as error:
        raise CommandError(str(error)) from error
    print(
        f"backed up {settings.db_path} to {made.path} ({made.bytes:,} bytes, check: {made.check})"
    )
    return 0 if made.check == "ok" else 1
