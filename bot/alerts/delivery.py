"""Background jobs: poll the feeds on schedule, and send queued alerts from the outbox."""

import asyncio
import logging
import warnings

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes
from telegram.warnings import PTBDeprecationWarning

from bot.alerts.render import alert_keyboard, alert_messages
from bot.languages import chat_language
from bot.messaging import send_to_chat
from bot.monitoring import ALERTS, FEED_POLL_ERRORS
from retrieval.alerts.alerter import Alerter, Delivery
from retrieval.conversations.assistant import Assistant
from retrieval.language.messages import speaking
from retrieval.news.poller import Poller

log = logging.getLogger(__name__)

GONE = ("chat not found", "bot was kicked", "bot was blocked", "user is deactivated")


class AlertJobs:
    """Feed polling and alert delivery, run by the application's job queue."""

    def __init__(self, alerter: Alerter, poller: Poller, assistant: Assistant) -> None:
        self.alerter = alerter
        self.poller = poller
        self.assistant = assistant
        self._delivering = asyncio.Lock()

    async def poll(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Poll the feeds that are due, then match what is new against subscriptions."""
        report = await asyncio.to_thread(self.poller.poll_due)
        FEED_POLL_ERRORS.inc(len(report.errors))
        if report.feeds:
            log.info("polled %d feeds: %d new articles", len(report.feeds), report.new)
        await self.deliver(context)

    async def deliver(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Match new articles, then send every due alert, one batched message per chat."""
        async with self._delivering:
            matching = await asyncio.to_thread(self.alerter.match)
            ALERTS.labels("queued").inc(matching.queued)
            deliveries = await asyncio.to_thread(self.alerter.deliveries)
            for delivery in deliveries:
                with speaking(await chat_language(self.assistant, delivery.chat_id)):
                    await self._send(context.bot, delivery)

    async def _send(self, bot: Bot, delivery: Delivery) -> None:
        """Send one chat's alerts, each message claimed just before it goes out.

        A message carries only the stories this process claimed (another may be sending the
        rest), and its alerts are marked sent only once Telegram has accepted it.
        """
        for _, stories in alert_messages(delivery.stories):
            whole = Delivery(delivery.chat_id, tuple(stories))
            part = await asyncio.to_thread(self.alerter.claim, whole)
            if not part.stories:
                continue
            ((text, _),) = alert_messages(part.stories)  # fewer stories fit one message too
            try:
                sent = await send_to_chat(bot, part.chat_id, text, alert_keyboard(part.stories))
            except TelegramError as error:
                await self._failed(part, error)
                ALERTS.labels("failed").inc(len(part.alert_ids))
                return
            await asyncio.to_thread(self.alerter.delivered, part, sent.message_id)
            ALERTS.labels("sent").inc(len(part.alert_ids))

    async def _failed(self, part: Delivery, error: TelegramError) -> None:
        """Retry later (when Telegram says, if it does), or pause a chat that is gone."""
        if isinstance(error, RetryAfter):
            with warnings.catch_warnings():  # PTB 22 warns it will become a timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = error.retry_after
            seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
            await asyncio.to_thread(self.alerter.failed, part, str(error), float(seconds))
        elif isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and any(r in str(error).lower() for r in GONE)
        ):
            await asyncio.to_thread(self.alerter.chat_gone, part, str(error))
        else:
            await asyncio.to_thread(self.alerter.failed, part, str(error))
