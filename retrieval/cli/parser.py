"""The cyberbrief argument parser: every command's options, formats and one example.

Building it imports nothing heavy. Each command names its handler as "module:function", and
that module is imported only when the command runs: `ask` never loads what `ingest`, `feeds`
or `eval` need (page extraction, feed parsing, HTTP, the evaluation code).
"""

import argparse
import logging
from importlib.metadata import version
from pathlib import Path

from retrieval.cli.arguments import DATE_FORMAT, add_filter_options, positive_int
from retrieval.cli.common import program, shipped_articles
from retrieval.core.models import MODES
from retrieval.language.detection import LANGUAGES
from retrieval.language.messages import N_, _

Commands = argparse._SubParsersAction
STARTER_FEEDS = "data/feeds/cybercrime.opml"

INGEST_FORMATS = N_("""\
what it reads:
  .md .markdown   Markdown, with optional YAML front matter (title, source, published, url)
  .txt            plain text; a short first line followed by a blank line is the title
  .html .htm      a saved web page: its main text, title, date and outlet are extracted
  .json           one JSON record, or a list of them
  .jsonl          JSON Lines: one record per line; a bad line fails alone
  http(s)://...   a web page, fetched (public addresses only)
  a folder        every file above in it, recursively

JSON records: "text" (required; or "content", "body"; HTML is reduced to its text), "title",
"url" (or "link"), "published" (or "date": 2024-05-31, 31 May 2024, 3 de mayo de 2024...; an
unreadable date is dropped with a warning, the article kept), "source" (or "outlet"), "language".
An article already stored is skipped; a changed one is updated.

examples:
  %(prog)s {articles}
  %(prog)s news.jsonl https://example.org/2024/05/story.html
  a record of news.jsonl (one line in the file):
  {{"title": "Ring dismantled", "text": "Police said...", "published": "2024-05-31",
   "source": "AP", "url": "https://example.org/2024/05/ring.html"}}
""")


DB_HELP = N_(
    "the database: a SQLite file or a postgresql:// URL "
    "(default: $CYBERBRIEF_DB, else $XDG_DATA_HOME/cyberbrief/cyberbrief.db)"
)
VERBOSE_HELP = N_("show log messages (-vv: debug messages too)")
LANG_HELP = N_(
    "the language of messages, and of questions too short to tell (default: $CYBERBRIEF_LANG, "
    "else the locale's, else en)"
)


def build_parser() -> tuple[argparse.ArgumentParser, Commands]:
    """The argument parser with all subcommands, and its subcommands for front ends to extend."""
    me = program()
    parser = argparse.ArgumentParser(
        prog=me,
        description=_("Answer questions about news articles with verbatim, cited quotes."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_start_here(me),
    )
    parser.add_argument("--db", metavar="PATH|URL", help=_(DB_HELP))
    parser.add_argument("--lang", choices=LANGUAGES, help=_(LANG_HELP))
    parser.add_argument("-v", "--verbose", action="count", default=0, help=_(VERBOSE_HELP))
    parser.add_argument(
        "--version", action="version", version=f"cyberbrief {version('cyberbrief')}"
    )
    parser.set_defaults(log_level=logging.ERROR)
    commands = parser.add_subparsers(metavar="COMMAND", title=_("commands"))
    _articles_commands(commands)
    _feeds_commands(commands)
    _briefing_command(commands)
    _operations_commands(commands)
    _eval_commands(commands)
    return parser, commands


def global_options() -> argparse.ArgumentParser:
    """--db, --lang and -v, accepted after a command's name as well as before it."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=_(DB_HELP))
    options.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=_(LANG_HELP))
    options.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help=_(VERBOSE_HELP)
    )
    return options


def add_command(
    commands: Commands, name: str, handler: str, summary: str, epilog: str = ""
) -> argparse.ArgumentParser:
    """A subcommand with the global options, help text and example, run by `handler`."""
    command: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=epilog,
        parents=[global_options()],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(handler=handler)
    return command


def _start_here(me: str) -> str:
    """The first commands to type, each after what it does."""
    question = _("How do drug cartels use social networks?")
    steps = [
        (_("store the shipped articles"), f"{me} ingest {shipped_articles()}"),
        (_("ask a question"), f'{me} ask "{question}"'),
        (_("one question after another"), f"{me} chat"),
        (_("the outlets stored"), f"{me} sources"),
    ]
    width = max(len(what) for what, _command in steps) + 3
    lines = [f"  {what + ':':<{width}}{command}" for what, command in steps]
    more = _("'%(command)s' shows a command's options and examples.") % {
        "command": f"{me} COMMAND -h"
    }
    return "\n".join([_("start here:"), *lines, "", more])


def _articles_commands(commands: Commands) -> None:
    """ingest, search, ask, chat, sources and run."""
    ingest = add_command(
        commands,
        "ingest",
        "retrieval.cli.ingest:ingest",
        _("store articles from files, folders and web pages"),
        _(INGEST_FORMATS).format(articles=shipped_articles()),
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH|URL")

    search = add_command(
        commands,
        "search",
        "retrieval.cli.questions:search",
        _("find the passages that best match a query"),
        _("example:") + '\n  %(prog)s "Zetas hackers" -k 3 --since 2010-01-01',
    )
    search.add_argument("query")
    search.add_argument("-k", type=positive_int, default=5, help=_("how many results (default 5)"))
    search.add_argument(
        "--mode", choices=MODES, default="hybrid", help=_("keywords and meaning, or one of them")
    )
    search.add_argument("--json", action="store_true", help=_("one JSON object per result"))
    add_filter_options(search)

    ask = add_command(
        commands,
        "ask",
        "retrieval.cli.questions:ask",
        _("answer a question with quotes from the articles"),
        _("examples:")
        + "\n"
        + '  %(prog)s "How do drug cartels use social networks?"\n'
        + '  %(prog)s "¿Qué dijo la DEA sobre los Zetas?"\n'
        + '  %(prog)s "What is EC3?" --source "InSight Crime" --since 2012-01-01\n'
        + "  %(prog)s - < questions.txt     "
        + _("one question per line in, one JSON object per line out"),
    )
    ask.add_argument("question", help=_("the question, or '-' to read one per line from stdin"))
    ask.add_argument("--json", action="store_true", help=_("print the answer as JSON"))
    add_filter_options(ask)

    add_command(
        commands, "chat", "retrieval.cli.questions:chat", _("ask questions one after another")
    )
    add_command(
        commands,
        "sources",
        "retrieval.cli.questions:sources",
        _("the outlets stored, with their articles and dates"),
    ).add_argument("--json", action="store_true", help=_("one JSON object per outlet"))
    add_command(
        commands,
        "run",
        "retrieval.cli.questions:chat",
        _("the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat"),
    )


def _feeds_commands(commands: Commands) -> None:
    """feeds add|list|remove|poll|import|export."""
    feeds = commands.add_parser(
        "feeds", help=_("follow RSS and Atom feeds"), parents=[global_options()]
    )
    actions = feeds.add_subparsers(required=True, metavar="ACTION", title=_("actions"))
    add_command(
        actions,
        "add",
        "retrieval.cli.feeds:add",
        _("follow a feed: checked, then its items stored at once"),
        _("example:") + "\n  %(prog)s https://www.europol.europa.eu/rss/news",
    ).add_argument("url", metavar="URL")
    add_command(
        actions, "list", "retrieval.cli.feeds:list_feeds", _("the feeds followed, with errors")
    )
    add_command(
        actions,
        "remove",
        "retrieval.cli.feeds:remove",
        _("stop following a feed; its articles stay"),
    ).add_argument(
        "id", type=positive_int, metavar="ID", help=_("the feed's number in 'feeds list'")
    )
    add_command(
        actions, "poll", "retrieval.cli.feeds:poll", _("poll every feed now and queue alerts")
    )
    imports = add_command(
        actions,
        "import",
        "retrieval.cli.feeds:import_list",
        _(
            "follow every feed of an OPML file (what feed readers export); a web page in it is "
            "followed through the feed it names; the next poll reads them"
        ),
        _("example:") + f"\n  %(prog)s {STARTER_FEEDS}",
    )
    imports.add_argument("file", type=Path, metavar="FILE.opml")
    imports.add_argument(
        "--offer",
        action="store_true",
        help=_("only when no feed is followed yet, and only after asking on a terminal"),
    )
    export = add_command(
        actions,
        "export",
        "retrieval.cli.feeds:export",
        _("the feeds followed, as OPML for any feed reader"),
        _("example:") + "\n  %(prog)s --output feeds.opml",
    )
    export.add_argument(
        "--output", type=Path, metavar="FILE", help=_("write here (default: stdout)")
    )


def _briefing_command(commands: Commands) -> None:
    """briefing."""
    briefing = add_command(
        commands,
        "briefing",
        "retrieval.cli.briefings:briefing",
        _("what is new: stories grouped and quoted"),
        _("examples:") + "\n  %(prog)s --since 7d\n  %(prog)s --since 2024-05-01 --format html",
    )
    briefing.add_argument(
        "--since",
        metavar="WINDOW|DATE",
        help=_(
            "a window (24h, 7d, 2w) or a date (%(format)s); default: since the chat's last "
            "briefing, at most 7d"
        )
        % {"format": DATE_FORMAT},
    )
    briefing.add_argument("--chat", type=int, help=_("rank for this chat's subscriptions"))
    briefing.add_argument("--format", choices=("text", "html", "json"), default="text")


def _operations_commands(commands: Commands) -> None:
    """owners add|remove|list, articles list|show|remove, stats, backup, db copy."""
    owners = commands.add_parser(
        "owners",
        help=_("the bot's owners: Telegram user ids who manage its feeds"),
        parents=[global_options()],
    )
    actions = owners.add_subparsers(required=True, metavar="ACTION", title=_("actions"))
    add_command(
        actions,
        "add",
        "retrieval.cli.owners:add",
        _("make a Telegram user an owner (each person sees their id with /whoami)"),
        _("example:") + "\n  %(prog)s 123456789",
    ).add_argument("id", type=positive_int, metavar="ID")
    add_command(
        actions, "remove", "retrieval.cli.owners:remove", _("stop a stored owner being one")
    ).add_argument("id", type=positive_int, metavar="ID")
    add_command(actions, "list", "retrieval.cli.owners:list_owners", _("the owners, and where set"))
    articles = commands.add_parser(
        "articles", help=_("the articles stored: list, show, remove"), parents=[global_options()]
    )
    shelf = articles.add_subparsers(required=True, metavar="ACTION", title=_("actions"))
    listing = add_command(
        shelf,
        "list",
        "retrieval.cli.operations:articles_list",
        _("the articles stored last, newest first, with their ids"),
        _("example:") + '\n  %(prog)s --limit 50 --source "InSight Crime"',
    )
    listing.add_argument("--limit", type=positive_int, default=20, help=_("how many (default 20)"))
    listing.add_argument("--source", metavar="OUTLET", help=_("only this outlet's"))
    add_command(
        shelf,
        "show",
        "retrieval.cli.operations:articles_show",
        _("one article and where it is from"),
    ).add_argument("id", type=positive_int, metavar="ID")
    add_command(
        shelf,
        "remove",
        "retrieval.cli.operations:articles_remove",
        _("delete an article for good (its feed will not bring it back)"),
    ).add_argument("id", type=positive_int, metavar="ID")
    add_command(
        commands,
        "stats",
        "retrieval.cli.operations:stats",
        _(
            "the bot at a glance: articles, feeds and their health, chats, subscriptions, "
            "questions answered and abstained, votes with their questions"
        ),
    ).add_argument(
        "--days", type=positive_int, default=7, help=_("the period counted (default 7 days)")
    )
    backup = add_command(
        commands,
        "backup",
        "retrieval.cli.operations:backup",
        _("copy the database safely while the bot runs (SQLite's online backup)"),
        _("examples:") + "\n  %(prog)s /var/backups/cyberbrief/\n  %(prog)s copy.db --force",
    )
    backup.add_argument(
        "path", type=Path, metavar="PATH", help=_("a file, or a folder to put it in")
    )
    backup.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))
    database = commands.add_parser(
        "db", help=_("the database: copy it to another backend"), parents=[global_options()]
    )
    actions = database.add_subparsers(required=True, metavar="ACTION", title=_("actions"))
    copy = add_command(
        actions,
        "copy",
        "retrieval.cli.database:copy",
        _("copy a whole collection into a new database, SQLite to PostgreSQL or back"),
        _("examples:") + "\n  %(prog)s ~/.local/share/cyberbrief/cyberbrief.db "
        "postgresql://cyberbrief@127.0.0.1:5432/cyberbrief\n"
        "  %(prog)s postgresql://cyberbrief@db.internal/cyberbrief copy.db",
    )
    copy.add_argument("source", metavar="FROM", help=_("a SQLite file or a postgresql:// URL"))
    copy.add_argument("target", metavar="TO", help=_("an empty or new one, of either kind"))


def _eval_commands(commands: Commands) -> None:
    """eval squad|xquad|beir."""
    evaluate = commands.add_parser(
        "eval", help=_("measure retrieval on public data sets"), parents=[global_options()]
    )
    datasets = evaluate.add_subparsers(required=True, metavar="DATASET", title=_("data sets"))
    keep = _("keep the evaluation database here, to reuse")
    squad = add_command(
        datasets,
        "squad",
        "retrieval.cli.evaluate:squad",
        _("SQuAD v1.1 dev: paragraph accuracy, quote accuracy, abstention"),
        _("example:") + "\n  %(prog)s ../shared/eval/squad/dev-v1.1.json --limit 500",
    )
    squad.add_argument("path", type=Path, metavar="DEV_JSON")
    squad.add_argument("--limit", type=positive_int, help=_("only the first N questions"))
    squad.add_argument("--store", type=Path, metavar="PATH", help=keep)
    xquad = add_command(
        datasets,
        "xquad",
        "retrieval.cli.evaluate:xquad",
        _("XQuAD: the SQuAD tables with questions and paragraphs in English or Spanish"),
        _("example:") + "\n  %(prog)s ../shared/eval/xquad --questions es --paragraphs en",
    )
    xquad.add_argument(
        "path", type=Path, metavar="FOLDER", help=_("holding xquad.en.json and xquad.es.json")
    )
    xquad.add_argument("--questions", choices=LANGUAGES, default="es", help=_("their language"))
    xquad.add_argument("--paragraphs", choices=LANGUAGES, default="en", help=_("their language"))
    xquad.add_argument("--limit", type=positive_int, help=_("only the first N questions"))
    xquad.add_argument("--store", type=Path, metavar="PATH", help=keep)
    beir = add_command(
        datasets,
        "beir",
        "retrieval.cli.evaluate:beir",
        _("a BEIR folder (e.g. SciFact): nDCG@10, recall@100"),
        _("example:") + "\n  %(prog)s ../shared/eval/scifact",
    )
    beir.add_argument("path", type=Path, metavar="FOLDER")
    beir.add_argument("--split", default="test")
    beir.add_argument("--store", type=Path, metavar="PATH", help=keep)
