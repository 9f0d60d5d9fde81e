"""The briefing command: what is new, for terminals and cron mail."""

import argparse
from datetime import UTC, datetime

from retrieval.briefings.builder import Briefer, parse_window
from retrieval.briefings.render import briefing_html, briefing_json, briefing_text
from retrieval.cli.common import CommandError
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.language.messages import _


def register(commands: argparse._SubParsersAction) -> None:
    """Add briefing."""
    briefing = commands.add_parser("briefing", help="what is new: stories grouped and quoted")
    briefing.add_argument(
        "--since",
        help="a window (24h, 7d, 2w) or a date; default: since the chat's last briefing, "
        "at most 7d",
    )
    briefing.add_argument("--chat", type=int, help="rank for this chat's subscriptions")
    briefing.add_argument("--format", choices=("text", "html", "json"), default="text")
    briefing.set_defaults(handler=_briefing)


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
            raise CommandError(
                _("--since: %(error)s, or a date like 2026-11-01") % {"error": window_error}
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
