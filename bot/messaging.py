"""Sending to Telegram, shared by every capability: replies, unprompted posts, permissions."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import addressing
from retrieval.language.messages import _

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
ADMINS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


async def may_configure(message: Message, user: User, bot: Bot, owners: frozenset[int]) -> bool:
    """Whether this person may change the chat's settings: anyone in private, admins in groups."""
    if message.chat.type == ChatType.PRIVATE or user.id in owners:
        return True
    member = await bot.get_chat_member(message.chat_id, user.id)
    return member.status in ADMINS


async def send_to_chat(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Post one HTML message to a chat unprompted (alerts, scheduled briefings), previews off."""
    return await bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=markup,
    )


async def send(
    message: Message,
    texts: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
    previews: bool = False,
    quote: bool | None = None,
) -> list[Message]:
    """Reply with HTML messages in order (in the same topic); the keyboard goes on the last."""
    sent = []
    for n, text in enumerate(texts):
        last = n == len(texts) - 1
        sent.append(
            await message.reply_text(
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=not previews),
                reply_markup=markup if last else None,
                do_quote=quote if n == 0 else False,
            )
        )
    return sent


async def set_keyboard(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons under a message (None: take them all away), if they differ."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(markup)


@contextlib.asynccontextmanager
async def typing(message: Message, delay: float) -> AsyncIterator[None]:
    """Show "typing…" in the chat (and topic) after `delay` seconds, until the block ends."""

    async def keep_typing() -> None:
        """Wait, then renew the chat action before Telegram's 5 s expire, until cancelled."""
        await asyncio.sleep(delay)
        while True:
            try:
                await message.reply_chat_action(ChatAction.TYPING)
            except TelegramError as error:
                log.debug("could not show typing: %s", error)
            await asyncio.sleep(4.5)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def switch_chat_setting(
    update: Update,
    bot: Bot,
    owners: frozenset[int],
    read: Callable[[int], bool],
    write: Callable[[int, bool], object],
    usage: Callable[[bool], str],
    done: Callable[[bool], str],
) -> None:
    """An on/off chat setting as a command: its state without a choice; admins only in groups."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    choice = addressing.command_argument(message).lower()
    if choice not in {"on", "off"}:
        current = await asyncio.to_thread(read, message.chat_id)
        await send(message, [usage(current)])
        return
    if not await may_configure(message, user, bot, owners):
        await send(message, [admins_only_message()])
        return
    await asyncio.to_thread(write, message.chat_id, choice == "on")
    await send(message, [done(choice == "on")])


def admins_only_message() -> str:
    """A group setting changed by someone who may not change it."""
    return _("Only the group's admins can change this.")


def error_message() -> str:
    """Something unexpected went wrong; no internals."""
    return _("Sorry, something went wrong on my side. Please try again in a moment.")
