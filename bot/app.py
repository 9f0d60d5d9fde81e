"""The Telegram application: handlers wired up, commands registered, limits in place."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.alerts.delivery import AlertJobs
from bot.alerts.handlers import SubscriptionHandlers
from bot.answers.handlers import Handlers
from bot.briefings.handlers import BriefingHandlers
from bot.languages import LanguageHandlers, set_command_menus
from bot.settings import BotSettings
from retrieval.alerts.alerter import Alerter
from retrieval.briefings.builder import Briefer
from retrieval.conversations.assistant import Assistant
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller

log = logging.getLogger(__name__)

RETRIES = 3  # times a request is retried after Telegram answers RetryAfter

# Channel posts, inline queries and the rest are not requested: the bot ignores them on purpose.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def api_base_url(api_url: str) -> str:
    """The base URL python-telegram-bot appends `<token>/<method>` to, for a Bot API server."""
    root = api_url.rstrip("/")
    return root if root.endswith("/bot") else f"{root}/bot"


def build_application(
    settings: BotSettings,
    assistant: Assistant,
    builder: ApplicationBuilder | None = None,
    poller: Poller | None = None,
) -> Application:
    """The bot as an Application; pass a builder to inject a request or leave out the updater.

    Feeds are fetched by `poller`: by default one that refuses every non-public address.
    """
    builder = (builder or ApplicationBuilder()).token(settings.token)
    collection = assistant.collection
    poller = poller or Poller(collection, Fetcher())
    alerter = Alerter(collection)
    if settings.api_url:
        base = api_base_url(settings.api_url)
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = (
        builder.concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=RETRIES))
        .defaults(Defaults(allow_sending_without_reply=True))
        .post_init(_post_init(assistant, alerter))
        .build()
    )
    subscriptions = SubscriptionHandlers(alerter, poller, assistant, settings)
    briefer = Briefer(collection)
    briefings = BriefingHandlers(briefer, assistant, settings)
    handlers = Handlers(assistant, briefer.briefings, settings)
    languages = LanguageHandlers(assistant, settings)
    add_handlers(application, handlers, subscriptions, briefings, languages)
    jobs = AlertJobs(alerter, poller, assistant)
    if application.job_queue is not None:
        application.job_queue.run_repeating(jobs.poll, settings.poll_seconds)
        application.job_queue.run_repeating(jobs.deliver, settings.deliver_seconds, first=1)
        application.job_queue.run_repeating(briefings.run_due, settings.schedule_seconds, first=1)
    return application


def add_handlers(
    application: Application,
    handlers: Handlers,
    subscriptions: SubscriptionHandlers,
    briefings: BriefingHandlers,
    languages: LanguageHandlers,
) -> None:
    """Route updates to handlers, each run in its chat's language; what no handler takes is
    ignored on purpose."""
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    spoken = languages.speaking
    for name, callback in [
        ("start", handlers.start),
        ("help", handlers.help),
        ("about", handlers.about),
        ("ask", handlers.ask),
        ("sources", handlers.sources),
        ("previews", handlers.previews),
        ("briefing", briefings.briefing),
        ("schedule", briefings.schedule),
        ("subscribe", subscriptions.subscribe),
        ("subscriptions", subscriptions.subscriptions),
        ("unsubscribe", subscriptions.unsubscribe),
        ("feeds", subscriptions.feeds),
        ("addfeed", subscriptions.add_feed),
        ("removefeed", subscriptions.remove_feed),
        ("language", languages.language),
        ("translations", languages.translations),
    ]:
        application.add_handler(CommandHandler(name, spoken(callback), filters=new))
    application.add_handler(MessageHandler(new & filters.COMMAND, spoken(handlers.unknown_command)))
    application.add_handler(
        MessageHandler(new & filters.TEXT & (private | groups), spoken(handlers.text))
    )
    content = ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(new & private & content, spoken(handlers.not_text)))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, spoken(handlers.edited))
    )
    application.add_handler(
        CallbackQueryHandler(spoken(subscriptions.subscribe_button), pattern=r"^sub:")
    )
    application.add_handler(CallbackQueryHandler(spoken(handlers.button)))
    application.add_error_handler(spoken(handlers.error))


def _post_init(
    assistant: Assistant, alerter: Alerter
) -> Callable[[Application], Coroutine[Any, Any, None]]:
    """Start-up: settle interrupted alerts, register the commands, warm the model."""

    async def post_init(application: Application) -> None:
        """Settle the outbox, set the command menu, load the model, pick example questions."""
        await asyncio.to_thread(alerter.recover)
        await set_command_menus(application.bot)
        await asyncio.to_thread(assistant.overview)
        log.info("bot @%s is ready", application.bot.username)

    return post_init
