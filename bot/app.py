"""The Telegram application: handlers wired up, commands registered, limits in place."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
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

from bot.handlers import Handlers
from bot.settings import BotSettings
from retrieval.assistant import Assistant

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("ask", "Ask a question about the articles"),
    BotCommand("sources", "All sources of the last answer here"),
    BotCommand("start", "What I know, and questions to try"),
    BotCommand("help", "How to ask, here and in groups"),
    BotCommand("previews", "Link previews on or off in this chat"),
    BotCommand("about", "What this bot is and what it stores"),
]

RETRIES = 3  # times a request is retried after Telegram answers RetryAfter

# Channel posts, inline queries and the rest are not requested: the bot ignores them on purpose.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def api_base_url(api_url: str) -> str:
    """The base URL python-telegram-bot appends `<token>/<method>` to, for a Bot API server."""
    root = api_url.rstrip("/")
    return root if root.endswith("/bot") else f"{root}/bot"


def build_application(
    settings: BotSettings, assistant: Assistant, builder: ApplicationBuilder | None = None
) -> Application:
    """The bot as an Application; pass a builder to inject a request or leave out the updater."""
    builder = (builder or ApplicationBuilder()).token(settings.token)
    if settings.api_url:
        base = api_base_url(settings.api_url)
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = (
        builder.concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=RETRIES))
        .defaults(Defaults(allow_sending_without_reply=True))
        .post_init(_post_init(assistant))
        .build()
    )
    add_handlers(application, Handlers(assistant, settings))
    return application


def add_handlers(application: Application, handlers: Handlers) -> None:
    """Route updates to handlers; what no handler takes is ignored on purpose."""
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    for name, callback in [
        ("start", handlers.start),
        ("help", handlers.help),
        ("about", handlers.about),
        ("ask", handlers.ask),
        ("sources", handlers.sources),
        ("previews", handlers.previews),
    ]:
        application.add_handler(CommandHandler(name, callback, filters=new))
    application.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(new & filters.TEXT & (private | groups), handlers.text))
    content = ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(new & private & content, handlers.not_text))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, handlers.edited)
    )
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.error)


def _post_init(assistant: Assistant) -> Callable[[Application], Coroutine[Any, Any, None]]:
    """Start-up: register the commands and warm the model and the example questions."""

    async def post_init(application: Application) -> None:
        """Set the command menu, then load the model and pick the example questions."""
        await application.bot.set_my_commands(COMMANDS)
        await asyncio.to_thread(assistant.overview)
        log.info("bot @%s is ready", application.bot.username)

    return post_init
