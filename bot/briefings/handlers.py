"""Briefings in Telegram: /briefing, /schedule (admins), and the job sending scheduled ones."""

import asyncio
import logging
from datetime import datetime
from html import escape

from telegram import Bot, Message, Update
from telegram.error import Forbidden, TelegramError

from bot import addressing
from bot.flood import FloodGate
from bot.html import pack
from bot.languages import chat_language
from bot.messaging import Context, may_configure, send, send_to_chat
from bot.settings import BotSettings
from retrieval.briefings.builder import Briefer, Briefing, parse_window
from retrieval.briefings.render import briefing_blocks
from retrieval.briefings.schedules import BadSchedule, next_run, parse_schedule
from retrieval.briefings.store import ChatSchedule
from retrieval.conversations.assistant import Assistant
from retrieval.language.messages import N_, _, moment, ngettext, speaking, spoken
from retrieval.workers.store import open_workers

log = logging.getLogger(__name__)

SCHEDULE_USAGE = N_(
    "<code>/schedule daily 08:00 Europe/Madrid</code>, "
    "<code>/schedule weekly mon 09:00 UTC</code> or <code>/schedule off</code>"
)


class BriefingHandlers:
    """On-demand and scheduled briefings."""

    def __init__(self, briefer: Briefer, assistant: Assistant, settings: BotSettings) -> None:
        self.briefer = briefer
        self.assistant = assistant
        self.settings = settings
        workers = open_workers(briefer.collection.store)
        self.flood = FloodGate("briefings", settings.flood_limit, settings.flood_window, workers)

    async def briefing(self, update: Update, context: Context) -> None:
        """/briefing [7d]: what is new since this chat's last briefing, or in a window."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        verdict = await self.flood.check(user.id)
        if verdict.outcome == "warn":
            await send(message, [_flood_message(verdict.wait)])
        if verdict.outcome != "answer":
            return
        argument = addressing.command_argument(message)
        now = self.briefer.clock()
        try:
            since = now - parse_window(argument) if argument else None
        except ValueError as error:
            problem = escape(str(error))
            await send(
                message, [_("%(problem)s, e.g. <code>/briefing 7d</code>.") % {"problem": problem}]
            )
            return
        await self.send_briefing(context.bot, message.chat_id, since, reply_to=message)

    async def send_briefing(
        self,
        bot: Bot,
        chat_id: int,
        since: datetime | None = None,
        reply_to: Message | None = None,
    ) -> None:
        """Build a chat's briefing off the event loop, send it, and remember what it covered."""
        briefing, briefing_id = await asyncio.to_thread(self._prepare, chat_id, since)
        texts = pack(briefing_blocks(briefing))
        if reply_to is not None:
            sent = await send(reply_to, texts)
        else:
            sent = [await send_to_chat(bot, chat_id, text) for text in texts]
        ids = [m.message_id for m in sent]
        await asyncio.to_thread(self.briefer.briefings.sent, briefing_id, chat_id, ids)

    def _prepare(self, chat_id: int, since: datetime | None) -> tuple[Briefing, int]:
        """In a worker thread: build the briefing and record it as being sent."""
        start = since or self.briefer.since_last(chat_id)
        briefing = self.briefer.build(start, chat_id=chat_id)
        briefing_id = self.briefer.briefings.record(
            chat_id, briefing.since, briefing.until, sorted(briefing.article_ids)
        )
        return briefing, briefing_id

    async def schedule(self, update: Update, context: Context) -> None:
        """/schedule …: show, set or stop this chat's scheduled briefings (admins in groups)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        argument = addressing.command_argument(message)
        store = self.briefer.briefings
        if not argument:
            current = await asyncio.to_thread(store.schedule, message.chat_id)
            await send(message, [_schedule_message(current)])
            return
        if not await may_configure(message, user, context.bot, self.settings.owners):
            await send(message, [_("Only the group's admins can change its briefing schedule.")])
            return
        if argument.lower() == "off":
            removed = await asyncio.to_thread(store.remove_schedule, message.chat_id)
            text = (
                _("Scheduled briefings are off.") if removed else _("There was no schedule here.")
            )
            await send(message, [text])
            return
        try:
            schedule = parse_schedule(argument)
        except BadSchedule as error:
            problem = escape(str(error))
            await send(
                message, [_("I can't read that schedule: %(problem)s.") % {"problem": problem}]
            )
            return
        first = next_run(schedule, self.briefer.clock())
        saved = await asyncio.to_thread(
            store.set_schedule, message.chat_id, schedule, first, user.id
        )
        await asyncio.to_thread(self.assistant.adopt_language, message.chat_id, spoken())
        await send(message, [_schedule_message(saved)])

    async def run_due(self, context: Context) -> None:
        """Job: send each due briefing once, then move its schedule to the next run.

        A schedule missed while the bot was down is due at start-up: it is sent once and moved
        past every missed run, never repeated.
        """
        now = self.briefer.clock()
        for due in await asyncio.to_thread(self.briefer.briefings.due, now):
            upcoming = next_run(due.schedule, now)
            claimed = await asyncio.to_thread(
                self.briefer.briefings.advance, due.chat_id, due.next_run_at, upcoming
            )
            if not claimed:
                continue
            try:
                with speaking(await chat_language(self.assistant, due.chat_id)):
                    await self.send_briefing(context.bot, due.chat_id)
            except Forbidden as error:
                log.info("chat %s is unreachable (%s): schedule removed", due.chat_id, error)
                await asyncio.to_thread(self.briefer.briefings.remove_schedule, due.chat_id)
            except TelegramError as error:
                log.warning("scheduled briefing for chat %s failed: %s", due.chat_id, error)


def _flood_message(seconds: float) -> str:
    """Briefings asked for too fast."""
    wait = max(1, round(seconds))
    return ngettext(
        "That's a lot of briefings at once. Please wait %(count)d second.",
        "That's a lot of briefings at once. Please wait %(count)d seconds.",
        wait,
    ) % {"count": wait}


def _schedule_message(current: ChatSchedule | None) -> str:
    """A chat's schedule, or how to set one."""
    usage = _(SCHEDULE_USAGE)
    if current is None:
        return _("No scheduled briefings here. Admins can set one: %(usage)s.") % {"usage": usage}
    return _(
        "Briefings here: <b>%(schedule)s</b>. Next: %(next)s UTC. Change it with %(usage)s."
    ) % {
        "schedule": escape(current.schedule.describe()),
        "next": moment(current.next_run_at, "EEE d MMM HH:mm"),
        "usage": usage,
    }
