"""Update handlers: read the update, ask the assistant off the event loop, render, reply."""

import asyncio
import contextlib
import logging

from telegram import (
    CallbackQuery,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError, TelegramError

from bot import addressing, buttons
from bot.answers import render
from bot.commands import available
from bot.flood import FloodGate
from bot.messaging import (
    Context,
    error_message,
    send,
    set_keyboard,
    switch_chat_setting,
    typing,
)
from bot.monitoring import ABSTENTIONS, ANSWER_SECONDS
from bot.settings import BotSettings
from retrieval.briefings.store import BriefingStore
from retrieval.conversations.assistant import Assistant, Reply
from retrieval.conversations.store import ChatSettings
from retrieval.core.answer import EmptyQuestion
from retrieval.language.messages import _, spoken
from retrieval.operations.store import Owners
from retrieval.workers.store import open_workers

log = logging.getLogger(__name__)


class Handlers:
    """The bot's handlers, sharing one assistant and one flood gate."""

    def __init__(
        self, assistant: Assistant, briefings: BriefingStore, settings: BotSettings, owners: Owners
    ) -> None:
        self.assistant = assistant
        self.briefings = briefings
        self.settings = settings
        self.owners = owners
        workers = open_workers(assistant.collection.store)
        self.flood = FloodGate("questions", settings.flood_limit, settings.flood_window, workers)

    # -- commands ---------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start: what the bot knows and two questions to try."""
        message = update.effective_message
        if message is None:
            return
        overview = await asyncio.to_thread(self.assistant.overview)
        user = update.effective_user
        await send(message, [render.start_message(overview, user.first_name if user else None)])

    async def help(self, update: Update, context: Context) -> None:
        """/help: how to ask here, and the commands that work in this chat."""
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        private = message.chat.type == ChatType.PRIVATE
        owner = user is not None and user.id in await asyncio.to_thread(self.owners.ids)
        text = render.help_message(context.bot.username, available(private, owner), private)
        await send(message, [text])

    async def about(self, update: Update, context: Context) -> None:
        """/about: what the bot is and what it stores."""
        if update.effective_message:
            overview = await asyncio.to_thread(self.assistant.overview)
            await send(update.effective_message, [render.about_message(overview)])

    async def sources(self, update: Update, context: Context) -> None:
        """/sources: every source shown for the last answer in this chat."""
        message = update.effective_message
        if message is None:
            return
        stored = await asyncio.to_thread(self.assistant.last_answer, message.chat_id)
        if stored is None:
            await send(message, [render.no_answer_yet_message()])
            return
        settings = await asyncio.to_thread(self.assistant.chat_settings, message.chat_id)
        translations = (
            await asyncio.to_thread(self.assistant.translations, stored.sources, spoken())
            if settings.translations and not stored.abstained
            else ()
        )
        await send(
            message,
            render.sources_messages(stored, translations),
            previews=settings.link_previews,
        )

    async def ask(self, update: Update, context: Context) -> None:
        """/ask <question>, also as a reply to one of the bot's answers."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        question = addressing.command_argument(message)
        if not question:
            await self._ask_for_question(message)
            return
        replied = addressing.replied_to_bot(message, context.bot.id)
        await self._answer(message, user, question, replied)

    async def previews(self, update: Update, context: Context) -> None:
        """/previews on|off: link previews in this chat; in groups for admins only."""
        await switch_chat_setting(
            update,
            context.bot,
            self.settings.owners,
            lambda chat_id: self.assistant.chat_settings(chat_id).link_previews,
            self.assistant.set_link_previews,
            render.previews_usage,
            render.previews_message,
        )

    async def unknown_command(self, update: Update, context: Context) -> None:
        """A command the bot lacks: say so in private, or in groups when addressed to this bot."""
        message = update.effective_message
        if message and addressing.addressed_command(message, context.bot.username):
            await send(message, [render.unknown_command_message(addressing.command_name(message))])

    # -- messages ---------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        """A text message: a question in private; in groups only replies to the bot and mentions."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        question = addressing.question_in(message, context.bot.username, context.bot.id)
        if question is None:
            return  # group chatter not meant for the bot
        if not question.strip():
            await self._ask_for_question(message)
            return
        replied = addressing.replied_to_bot(message, context.bot.id)
        await self._answer(message, user, question, replied)

    async def not_text(self, update: Update, context: Context) -> None:
        """A sticker, photo, voice note… in private: ask for words instead."""
        if update.effective_message:
            await send(update.effective_message, [render.text_only_message()])

    async def edited(self, update: Update, context: Context) -> None:
        """An edited message in private: explain that edits are not answered again."""
        if update.edited_message:
            await send(update.edited_message, [render.edited_message()])

    # -- buttons ----------------------------------------------------------

    async def button(self, update: Update, context: Context) -> None:
        """A press on More sources, 👍 or 👎."""
        query = update.callback_query
        if query is None:
            return
        press = buttons.parse(query.data)
        message = query.message
        if press is None or message is None:
            await query.answer(_("This button no longer works."))
        elif press.action == "more":
            await self._more(query, press.answer_id)
        else:
            await self._vote(query, message, press.answer_id, 1 if press.action == "up" else -1)

    async def _vote(
        self, query: CallbackQuery, message: MaybeInaccessibleMessage, answer_id: int, vote: int
    ) -> None:
        """Store a vote (a second press on the other button changes it) and show the counts."""
        votes = await asyncio.to_thread(
            self.assistant.vote, answer_id, message.chat.id, query.from_user.id, vote
        )
        if votes is None:
            await query.answer(_("This answer is gone."))
            return
        await query.answer(render.vote_message(votes.mine))
        private = message.chat.type == ChatType.PRIVATE  # in groups the buttons are everyone's
        markup = message.reply_markup if isinstance(message, Message) else None
        await set_keyboard(query, buttons.with_votes(markup, answer_id, votes, mark=private))

    async def _more(self, query: CallbackQuery, answer_id: int) -> None:
        """Send the next sources below the answer, and move the More button to them."""
        verdict = await self.flood.check(query.from_user.id)
        if verdict.outcome != "answer":
            await query.answer(render.flood_message(verdict.wait), show_alert=True)
            return
        message = query.message
        if not isinstance(message, Message):
            await query.answer(_("This message is too old; ask again, please."))
            return
        page = await asyncio.to_thread(self.assistant.more, answer_id, message.chat_id, spoken())
        if page is None:
            await query.answer(_("This answer is gone; ask again, please."))
            return
        votes = await asyncio.to_thread(self.assistant.votes, answer_id, query.from_user.id)
        private = message.chat.type == ChatType.PRIVATE
        if not page.quotes:
            await query.answer(_("No more sources for this question."))
            await set_keyboard(query, buttons.keyboard(answer_id, False, votes=votes, mark=private))
            return
        await query.answer()
        settings = await asyncio.to_thread(self.assistant.chat_settings, message.chat_id)
        sent = await send(
            message,
            render.more_messages(page, settings.translations),
            buttons.keyboard(answer_id, more=not page.last, votes=votes, mark=private),
            previews=settings.link_previews,
            quote=True,
        )
        await set_keyboard(query, buttons.keyboard(answer_id, False, votes=votes, mark=private))
        ids = [m.message_id for m in sent]
        await asyncio.to_thread(self.assistant.delivered, answer_id, message.chat_id, ids)

    # -- answering --------------------------------------------------------

    async def _answer(
        self, message: Message, user: User, question: str, replied_to: int | None
    ) -> None:
        """Answer a question within the flood limit, showing "typing…" while searching."""
        verdict = await self.flood.check(user.id)
        if verdict.outcome == "warn":
            await send(message, [render.flood_message(verdict.wait)])
        if verdict.outcome != "answer":
            return
        async with typing(message, self.settings.typing_delay):
            try:
                with ANSWER_SECONDS.time():
                    reply, settings = await asyncio.to_thread(
                        self._ask, message.chat_id, user.id, question, replied_to
                    )
            except EmptyQuestion:
                await self._ask_for_question(message)
                return
        answered = reply.answer.answered
        if not answered:
            ABSTENTIONS.inc()
        texts = render.answer_messages(
            reply.answer, reply.read_as, reply.scoped, settings.translations
        )
        markup = buttons.keyboard(reply.answer_id, more=answered, subscribe=not answered)
        sent = await send(message, texts, markup, previews=settings.link_previews)
        ids = [m.message_id for m in sent]
        await asyncio.to_thread(self.assistant.delivered, reply.answer_id, message.chat_id, ids)

    def _ask(
        self, chat_id: int, user_id: int, question: str, replied_to: int | None
    ) -> tuple[Reply, ChatSettings]:
        """In a worker thread: the answer, and the chat's settings.

        A reply to a briefing is answered from that briefing's stories only. The language spoken
        to the asker decides for questions too short to tell their language.
        """
        briefing = self.briefings.for_message(chat_id, replied_to) if replied_to else None
        within = briefing.article_ids if briefing else None
        reply = self.assistant.ask(chat_id, user_id, question, replied_to, within, spoken())
        return reply, self.assistant.chat_settings(chat_id)

    async def _ask_for_question(self, message: Message) -> None:
        """A command or mention without a question: show how to ask."""
        overview = await asyncio.to_thread(self.assistant.overview)
        example = overview.examples[0] if overview.examples else None
        await send(message, [render.empty_question_message(example)])

    # -- errors -----------------------------------------------------------

    async def error(self, update: object, context: Context) -> None:
        """Log an unexpected error with its traceback; tell the person, without internals."""
        if update is None and isinstance(context.error, NetworkError):
            log.warning("Telegram network problem: %s", context.error)
            return
        if isinstance(context.error, Forbidden):
            log.info("cannot write to a chat (blocked or removed): %s", context.error)
            return
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Error while handling update %s", update_id, exc_info=context.error)
        if not isinstance(update, Update):
            return
        with contextlib.suppress(TelegramError):
            if update.callback_query:
                await update.callback_query.answer(error_message(), show_alert=True)
            elif update.effective_message:
                await send(update.effective_message, [error_message()])
