"""The `cyberbrief` command with the Telegram bot: `cyberbrief bot`, and `run` starting it.

Only the parser is built here; the bot's code (and Telegram's library) is imported by
bot.serve when `bot` or `run` is the command.
"""

import logging
import sys

from retrieval.cli.main import language_asked
from retrieval.cli.main import run as run_cli
from retrieval.cli.parser import add_command, build_parser
from retrieval.language.messages import _, speaking


def main(argv: list[str] | None = None) -> int:
    """Run the command line with the bot's commands added; returns the exit code."""
    with speaking(language_asked(argv)):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    """Build the parser in the language asked for, and run it."""
    parser, commands = build_parser()
    bot = add_command(
        commands,
        "bot",
        "bot.serve:bot",
        _("run the Telegram bot (its token from TELEGRAM_BOT_TOKEN)"),
        _("examples:")
        + "\n  TELEGRAM_BOT_TOKEN=123456:ABC... %(prog)s\n"
        + "  %(prog)s --webhook https://bot.example.org/hook --webhook-secret SECRET",
    )
    bot.add_argument("--webhook", metavar="URL", help=_("receive updates at this public HTTPS URL"))
    bot.add_argument(
        "--webhook-secret",
        metavar="TOKEN",
        help=_("secret Telegram sends with each webhook call"),
    )
    bot.add_argument("--listen", help=_("webhook server address (default 127.0.0.1)"))
    bot.add_argument("--port", type=int, help=_("webhook server port (default 8443)"))
    bot.add_argument("--api-url", metavar="URL", help=_("a self-hosted or local Bot API server"))
    bot.add_argument(
        "--flood-limit", type=int, help=_("questions per person per minute (default 10)")
    )
    bot.add_argument(
        "--metrics-port",
        type=int,
        metavar="N",
        help=_("serve Prometheus /metrics and /healthz on this port (CYBERBRIEF_METRICS_PORT)"),
    )
    # A bot runs for days: its warnings are worth seeing without -v.
    bot.set_defaults(log_level=logging.WARNING)
    commands.choices["run"].set_defaults(handler="bot.serve:run", log_level=logging.WARNING)
    return run_cli(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
