"""Several bot workers on one database: each update handled once, Telegram's limits shared."""

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationHandlerStop, BaseRateLimiter, ContextTypes

from retrieval.workers.slots import Limit
from retrieval.workers.store import WorkerStore

# Telegram's limits for a bot: about 30 messages a second in all, 20 a minute in one group.
PER_BOT = Limit(30, 1.0)
PER_GROUP = Limit(20, 60.0)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


def limits_for(chat_id: object) -> dict[str, Limit]:
    """The limits a message to a chat counts against: the bot's, and a group's or channel's."""
    limits = {"bot": PER_BOT}
    if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
        limits[f"chat:{chat_id}"] = PER_GROUP
    return limits


class SharedRateLimiter(BaseRateLimiter[int]):
    """Telegram's limits across every worker: each message takes a slot reserved in the
    database, then goes through python-telegram-bot's own limiter (which retries after
    Telegram's RetryAfter)."""

    def __init__(
        self,
        workers: WorkerStore,
        local: AIORateLimiter,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self.workers = workers
        self.local = local
        self.clock = clock
        self.sleep = sleep

    async def initialize(self) -> None:
        """Start the local limiter."""
        await self.local.initialize()

    async def shutdown(self) -> None:
        """Stop the local limiter."""
        await self.local.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        """Wait for the message's slot, then send it; requests to no chat, and "typing…" (no
        message: waiting would only hide it), go at once."""
        chat_id = data.get("chat_id")
        if chat_id is not None and endpoint != "sendChatAction":
            if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
                chat_id = int(chat_id)
            now = self.clock()
            start = await asyncio.to_thread(self.workers.reserve, limits_for(chat_id), now)
            if start > now:
                await self.sleep(start - now)
        return await self.local.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def drop_repeats(
    workers: WorkerStore, clock: Callable[[], float] = time.time
) -> Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """A handler, run before all others, that stops an update another worker (or this one)
    has already taken: Telegram sends a webhook update again when its answer was slow."""

    async def first_sight(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let an update through the first time only."""
        if not isinstance(update, Update):
            return
        first = await asyncio.to_thread(
            workers.first_sight, context.bot.id, update.update_id, clock()
        )
        if not first:
            raise ApplicationHandlerStop

    return first_sight
