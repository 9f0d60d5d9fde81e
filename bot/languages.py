"""The language the bot speaks: each update in the chat's chosen language, else the person's own
(Telegram's language_code); /language and /translations; the command menus in each language."""

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Bot, Update, User

from bot import addressing
from bot.commands import menus
from bot.messaging import Context, admins_only_message, may_configure, send, switch_chat_setting
from bot.settings import BotSettings
from retrieval.conversations.assistant import Assistant
from retrieval.conversations.store import ChatSettings
from retrieval.language.detection import DEFAULT, LANGUAGES, Language, language_of
from retrieval.language.messages import _, speaking

Callback = Callable[[Any, Context], Coroutine[Any, Any, None]]

NAMES = {"en": "English", "es": "español"}


def spoken_by(settings: ChatSettings, user: User | None) -> Language:
    """The language to speak: the chat's choice, else the person's Telegram language."""
    return settings.language or language_of(user.language_code if user else None) or DEFAULT


async def set_command_menus(bot: Bot) -> None:
    """The command menus of each scope for everyone (in English) and for each language's
    speakers (Telegram shows a person the one of their language_code)."""
    for language in (None, *LANGUAGES):
        with speaking(language or DEFAULT):
            for scope, commands in menus():
                await bot.set_my_commands(commands, scope=scope, language_code=language)


async def chat_language(assistant: Assistant, chat_id: int) -> Language:
    """The language to speak in a chat when no one in particular is addressed."""
    settings = await asyncio.to_thread(assistant.chat_settings, chat_id)
    return settings.language or DEFAULT


class LanguageHandlers:
    """Speaking each chat's language, and the commands that choose it."""

    def __init__(self, assistant: Assistant, settings: BotSettings) -> None:
        self.assistant = assistant
        self.settings = settings

    def speaking(self, callback: Callback) -> Callback:
        """The handler, run in the language of its update's chat and person."""

        @wraps(callback)
        async def run(update: object, context: Context) -> None:
            chat = update.effective_chat if isinstance(update, Update) else None
            user = update.effective_user if isinstance(update, Update) else None
            settings = (
                await asyncio.to_thread(self.assistant.chat_settings, chat.id)
                if chat
                else ChatSettings()
            )
            with speaking(spoken_by(settings, user)):
                await callback(update, context)  # type: ignore[arg-type]

        return run

    async def language(self, update: Update, context: Context) -> None:
        """/language es|en: the language spoken in this chat (admins in groups)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        choice = language_of(addressing.command_argument(message))
        if choice is None:
            current = await asyncio.to_thread(self.assistant.chat_settings, message.chat_id)
            await send(message, [_language_usage(spoken_by(current, user))])
            return
        if not await may_configure(message, user, context.bot, self.settings.owners):
            await send(message, [admins_only_message()])
            return
        await asyncio.to_thread(self.assistant.set_language, message.chat_id, choice)
        with speaking(choice):
            await send(
                message,
                [
                    _("I'll speak English in this chat.")
                    if choice == "en"
                    else _("I'll speak Spanish in this chat.")
                ],
            )

    async def translations(self, update: Update, context: Context) -> None:
        """/translations on|off: machine translations under quotes in another language."""
        await switch_chat_setting(
            update,
            context.bot,
            self.settings.owners,
            lambda chat_id: self.assistant.chat_settings(chat_id).translations,
            self.assistant.set_translations,
            _translations_usage,
            _translations_message,
        )


def _language_usage(current: Language) -> str:
    """How to choose the language, and the one spoken now."""
    return _(
        "I speak <b>%(language)s</b> here. Use <code>/language es</code> or "
        "<code>/language en</code>."
    ) % {"language": NAMES[current]}


def _translations_message(enabled: bool) -> str:
    """Machine translations switched on or off."""
    if enabled:
        return _("Quotes in another language now come with a machine translation.")
    return _("Quotes now come without machine translations.")


def _translations_usage(enabled: bool) -> str:
    """How to switch machine translations."""
    state = _("on") if enabled else _("off")
    return _(
        "Machine translations of quotes are <b>%(state)s</b> here. Use "
        "<code>/translations on</code> or <code>/translations off</code>."
    ) % {"state": state}
