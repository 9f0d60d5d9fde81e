"""The briefing command: what is new, for terminals and cron mail."""

import argparse
from datetime import UTC, datetime

from retrieval.briefings.builder import Briefer, parse_window
from retrieval.briefings.render import briefing_html, briefing_json, briefing_text
from retrieval.cli.arguments import DATE_FORMAT
from retrieval.cli.collection import open_articles
from retrieval.cli.common import CommandError
from retrieval.core.config import Settings
from retrieval.language.messages import _


def briefing(args: argparse.Namespace, settings: Settings) -> int:
    """Print the briefing of what was stored since a time."""
    since = _since(args.since, datetime.now(UTC)) if args.since else None  # before any work
    briefer = Briefer(open_articles(settings))
    briefing = briefer.build(since or briefer.since_last(args.chat), chat_id=args.chat)
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
                _("--since %(text)r: %(error)s, or a date as %(format)s")
                % {"text": text, "error": window_error, "format": DATE_FORMAT}
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
