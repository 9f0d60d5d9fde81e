"""The Telegram application: handlers wired up, commands registered, limits in place."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
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
    TypeHandler,
    filters,
)

from bot.alerts.delivery import AlertJobs
from bot.alerts.handlers import SubscriptionHandlers
from bot.answers.handlers import Handlers
from bot.briefings.handlers import BriefingHandlers
from bot.commands import COMMANDS
from bot.languages import LanguageHandlers, set_command_menus
from bot.monitoring import MonitoringServer, count_update
from bot.operations.handlers import OperationsHandlers
from bot.settings import BotSettings
from bot.workers import SharedRateLimiter, drop_repeats
from retrieval.alerts.alerter import Alerter
from retrieval.briefings.builder import Briefer
from retrieval.conversations.assistant import Assistant
from retrieval.conversations.store import open_forgetting
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from retrieval.operations.store import open_owners, open_shelf, open_statistics
from retrieval.workers.store import open_workers

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60  # seconds
MONITORING = "monitoring"  # bot_data key of the running MonitoringServer
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
    alerter = Alerter(collection, news_age=timedelta(days=settings.policy.news_days))
    if settings.api_url:
        base = api_base_url(settings.api_url)
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    workers = open_workers(collection.store)
    application = (
        builder.concurrent_updates(True)
        .rate_limiter(SharedRateLimiter(workers, AIORateLimiter(max_retries=RETRIES)))
        .defaults(Defaults(allow_sending_without_reply=True))
        .post_init(_post_init(assistant, settings))
        .post_shutdown(_post_shutdown)
        .build()
    )
    owners = open_owners(collection.store, settings.owners)
    subscriptions = SubscriptionHandlers(alerter, poller, assistant, settings, owners)
    keep_days = settings.policy.keep_questions_days
    store = collection.store
    operations = OperationsHandlers(
        owners, open_forgetting(store), keep_days, open_statistics(store), open_shelf(store)
    )
    briefer = Briefer(collection)
    briefings = BriefingHandlers(briefer, assistant, settings)
    handlers = Handlers(assistant, briefer.briefings, settings, owners)
    languages = LanguageHandlers(assistant, settings)
    add_handlers(application, handlers, subscriptions, briefings, operations, languages)
    application.add_handler(TypeHandler(Update, drop_repeats(workers)), group=-2)  # first
    jobs = AlertJobs(alerter, poller, assistant)
    if application.job_queue is not None:
        # Due at once, and run however late: the job queue only starts once the model has
        # loaded, and a job due meanwhile would otherwise wait for its next interval.
        at_start = {"next_run_time": datetime.now(UTC), "misfire_grace_time": None}
        queue = application.job_queue
        queue.run_repeating(jobs.poll, settings.poll_seconds)
        queue.run_repeating(jobs.deliver, settings.deliver_seconds, job_kwargs=at_start)
        queue.run_repeating(briefings.run_due, settings.schedule_seconds, job_kwargs=at_start)
        if keep_days:
            queue.run_repeating(operations.forget_old, DAY, first=60)
    return application


def add_handlers(
    application: Application,
    handlers: Handlers,
    subscriptions: SubscriptionHandlers,
    briefings: BriefingHandlers,
    operations: OperationsHandlers,
    languages: LanguageHandlers,
) -> None:
    """Route updates to handlers, each run in its chat's language; what no handler takes is
    ignored on purpose."""
    application.add_handler(TypeHandler(Update, count_update), group=-1)  # counts, stops none
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    front = {
        "answers": handlers,
        "alerts": subscriptions,
        "briefings": briefings,
        "operations": operations,
        "languages": languages,
    }
    spoken = languages.speaking
    for command in COMMANDS:  # each row names its handler: "answers.ask"
        capability, method = command.handler.split(".")
        callback = getattr(front[capability], method)
        application.add_handler(CommandHandler(command.name, spoken(callback), filters=new))
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
    application.add_handler(
        CallbackQueryHandler(spoken(subscriptions.alert_button), pattern=r"^(unsub|mute|unmute):")
    )
    application.add_handler(CallbackQueryHandler(spoken(handlers.button)))
    application.add_error_handler(spoken(handlers.error))


def _post_init(
    assistant: Assistant, settings: BotSettings
) -> Callable[[Application], Coroutine[Any, Any, None]]:
    """Start-up (polling and webhook alike): monitoring, commands, the model."""

    async def post_init(application: Application) -> None:
        """Serve metrics, set the command menus, load the model."""
        if settings.metrics_port is not None:
            probe = assistant.collection.store.generation
            server = MonitoringServer(settings.metrics_listen, settings.metrics_port, probe)
            application.bot_data[MONITORING] = server.start()
        await set_command_menus(application.bot)
        await asyncio.to_thread(assistant.overview)
        log.info("bot @%s is ready", application.bot.username)

    return post_init


async def _post_shutdown(application: Application) -> None:
    """Stop serving metrics."""
    server = application.bot_data.pop(MONITORING, None)
    if isinstance(server, MonitoringServer):
        server.stop()
