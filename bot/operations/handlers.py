"""Handlers for /whoami, /forget, and owners' /stats and /articles; the retention job."""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Message, Update
from telegram.constants import ChatType

from bot import addressing
from bot.messaging import Context, send
from bot.operations import render
from retrieval.conversations.store import Forgetting
from retrieval.operations.store import ArticleGone, Owners, Shelf, Statistics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

STATS_DAYS = 7
ARTICLES_SHOWN = 15


class OperationsHandlers:
    """Who you are to the bot, and forgetting what you asked."""

    def __init__(
        self,
        owners: Owners,
        forgetting: Forgetting,
        keep_days: int,
        statistics: Statistics,
        shelf: Shelf,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.owners = owners
        self.forgetting = forgetting
        self.keep_days = keep_days
        self.statistics = statistics
        self.shelf = shelf
        self.clock = clock

    async def whoami(self, update: Update, context: Context) -> None:
        """/whoami: your Telegram id (and the chat's), and whether you are an owner."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        owner = user.id in await asyncio.to_thread(self.owners.ids)
        private = message.chat.type == ChatType.PRIVATE
        await send(message, [render.whoami_message(user.id, message.chat_id, private, owner)])

    async def stats(self, update: Update, context: Context) -> None:
        """/stats (owners, in private): articles, feeds, chats, questions and votes of the week."""
        message = await self._owner_in_private(update)
        if message is None:
            return
        since = self.clock() - timedelta(days=STATS_DAYS)
        found = await asyncio.to_thread(self.statistics.gather, since)
        await send(message, [render.stats_message(found, STATS_DAYS)])

    async def articles(self, update: Update, context: Context) -> None:
        """/articles [ID] (owners, in private): the articles stored last, or one of them."""
        message = await self._owner_in_private(update)
        if message is None:
            return
        article_id = addressing.id_argument(message)
        if article_id is None:
            newest = await asyncio.to_thread(self.shelf.newest, ARTICLES_SHOWN)
            await send(message, [render.articles_message(newest)])
            return
        try:
            entry = await asyncio.to_thread(self.shelf.entry, article_id)
        except ArticleGone:
            await send(message, [f"There is no article #{article_id}. /articles lists them."])
            return
        await send(message, [render.article_message(entry)])

    async def _owner_in_private(self, update: Update) -> Message | None:
        """The message, when an owner sent it in private; otherwise say why not, and None."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return None
        if user.id not in await asyncio.to_thread(self.owners.ids):
            await send(message, [render.owners_only_message(user.id)])
            return None
        if message.chat.type != ChatType.PRIVATE:
            await send(message, ["I show this to owners in a private chat only: write to me."])
            return None
        return message

    async def forget(self, update: Update, context: Context) -> None:
        """/forget: delete your questions, answers and votes in this chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        forgotten = await asyncio.to_thread(self.forgetting.person, message.chat_id, user.id)
        await send(message, [render.forgotten_message(forgotten)])

    async def forget_old(self, context: Context) -> None:
        """Job, daily: delete questions older than the retention period."""
        cutoff = self.clock() - timedelta(days=self.keep_days)
        forgotten = await asyncio.to_thread(self.forgetting.older_than, cutoff)
        if forgotten.questions:
            log.info("deleted %d questions older than %d days", forgotten.questions, self.keep_days)
