"""Handlers for /whoami and /forget, and the job that deletes questions past their time."""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.constants import ChatType

from bot.messaging import Context, send
from bot.operations import render
from retrieval.conversations.store import Forgetting
from retrieval.operations.store import Owners

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class OperationsHandlers:
    """Who you are to the bot, and forgetting what you asked."""

    def __init__(
        self,
        owners: Owners,
        forgetting: Forgetting,
        keep_days: int,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.owners = owners
        self.forgetting = forgetting
        self.keep_days = keep_days
        self.clock = clock

    async def whoami(self, update: Update, context: Context) -> None:
        """/whoami: your Telegram id (and the chat's), and whether you are an owner."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        owner = user.id in await asyncio.to_thread(self.owners.ids)
        private = message.chat.type == ChatType.PRIVATE
        await send(message, [render.whoami_message(user.id, message.chat_id, private, owner)])

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
