"""Running the Telegram bot from the command line: `cyberbrief bot`, and `run` starting it."""

import argparse
import asyncio
import logging
import os
import sys
import time
from datetime import timedelta
from urllib.parse import urlparse

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, api_base_url, build_application
from bot.logs import hide_token
from bot.settings import BotSettings, SettingsError
from retrieval.cli.common import CommandError, program
from retrieval.cli.questions import chat
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.language.messages import N_, _
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from retrieval.operations.store import open_owners

log = logging.getLogger(__name__)

TOKEN_REJECTED = N_("Telegram rejected this token — check TELEGRAM_BOT_TOKEN")
FIRST_RETRY = 5.0  # seconds before trying to reach Telegram again; doubles up to MAX_RETRY
MAX_RETRY = 30.0


def no_token() -> str:
    """What to do to run the Telegram bot, shown when there is no token."""
    return _(
        "No Telegram bot token is set, so here is the terminal chat instead.\n"
        "To run the Telegram bot: open a chat with @BotFather in Telegram, send /newbot, "
        "follow the\nsteps, then start cyberbrief with the token it gives you:\n"
        "    %(command)s\n\n"
    ) % {"command": f"TELEGRAM_BOT_TOKEN=123456:ABC... {program()} run"}


def no_owners() -> str:
    """How to become one of the bot's owners, shown when it has none."""
    return f"""\
The bot has no owners yet, so nobody can add news feeds from Telegram.
To become one: send /whoami to the bot to see your Telegram id, then run
    {program()} owners add ID
(it takes effect at once; CYBERBRIEF_OWNERS=ID works too, read at start-up).

"""


def bot(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot until interrupted."""
    try:
        bot_settings = BotSettings.from_env(
            api_url=args.api_url,
            webhook_url=args.webhook,
            webhook_secret=args.webhook_secret,
            listen=args.listen,
            port=args.port,
            flood_limit=args.flood_limit,
            metrics_port=args.metrics_port,
        )
    except SettingsError as error:
        raise CommandError(str(error)) from error
    return serve(bot_settings, settings)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """The bot when a token is configured, otherwise the terminal chat."""
    if os.environ.get("TELEGRAM_BOT_TOKEN", "").strip():
        try:
            return serve(BotSettings.from_env(), settings)
        except SettingsError as error:
            raise CommandError(str(error)) from error
    sys.stderr.write(no_token())
    return chat(args, settings)


def serve(bot_settings: BotSettings, settings: Settings) -> int:
    """Run the bot by long polling, or as a webhook server when a webhook URL is set."""
    if not bot_settings.token:
        raise CommandError(_("set TELEGRAM_BOT_TOKEN to the token @BotFather gave you"))
    if bot_settings.webhook_url and not bot_settings.webhook_secret:
        raise CommandError(_("a webhook needs --webhook-secret (or CYBERBRIEF_WEBHOOK_SECRET)"))
    logging.getLogger("bot").setLevel(logging.INFO)
    hide_token(bot_settings.token)
    reach_telegram(bot_settings)
    collection = Collection.open(settings)
    if not open_owners(collection.store, bot_settings.owners).ids():
        sys.stderr.write(no_owners())
    assistant = Assistant(collection, timedelta(minutes=bot_settings.followup_minutes))
    poller = Poller(collection, Fetcher(settings.allowed_hosts))
    application = build_application(bot_settings, assistant, poller=poller)
    log.info("starting with database %s", settings.database)
    stale = collection.stale_articles()
    if stale:  # the first feed poll re-embeds them
        log.warning("%d articles embedded by another model variant: keywords only", len(stale))
    try:  # bootstrap_retries=-1: should Telegram go away again meanwhile, keep trying
        if bot_settings.webhook_url:
            application.run_webhook(
                listen=bot_settings.listen,
                port=bot_settings.port,
                url_path=urlparse(bot_settings.webhook_url).path.lstrip("/"),
                webhook_url=bot_settings.webhook_url,
                secret_token=bot_settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=-1,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
    except InvalidToken:
        raise CommandError(_(TOKEN_REJECTED)) from None  # its message would show the token
    finally:
        collection.close()
    return 0


def reach_telegram(bot_settings: BotSettings) -> None:
    """Check the token with Telegram before starting, waiting (with backoff) while unreachable.

    A rejected token is a CommandError saying so, without the token; each failed attempt to
    reach Telegram is one line in the log.
    """
    delay = FIRST_RETRY
    while True:
        try:
            asyncio.run(_get_me(bot_settings))
            return
        except InvalidToken:
            raise CommandError(_(TOKEN_REJECTED)) from None
        except NetworkError as error:  # no route, refused, timed out, Telegram's 5xx
            log.warning("cannot reach Telegram: %s; retrying in %g s", error, delay)
        time.sleep(delay)
        delay = min(delay * 2, MAX_RETRY)


async def _get_me(bot_settings: BotSettings) -> None:
    """Ask Telegram who the bot is: the token checked, the network tried."""
    token, api_url = bot_settings.token, bot_settings.api_url
    bot = Bot(token, base_url=api_base_url(api_url)) if api_url else Bot(token)
    async with bot:  # initialising it calls getMe
        pass
