"""Handlers for topic subscriptions and feeds: /subscribe, /subscriptions, /feeds and the rest."""

import asyncio
import logging
from html import escape

from telegram import Message, Update, User
from telegram.constants import ChatType

from bot import addressing, buttons
from bot.alerts import render
from bot.messaging import Context, admins_only_message, may_configure, send, set_keyboard
from bot.settings import BotSettings
from retrieval.alerts.alerter import MAX_SUBSCRIPTIONS, MUTE, Alerter
from retrieval.alerts.matching import BadTopic
from retrieval.alerts.store import AlreadySubscribed, SubscriptionNotFound, TooManySubscriptions
from retrieval.conversations.assistant import Assistant
from retrieval.core.render import clip
from retrieval.language.messages import _, spoken
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import FetchError
from retrieval.news.poller import Poller
from retrieval.news.store import FeedNotFound
from retrieval.operations.store import Owners

log = logging.getLogger(__name__)


class SubscriptionHandlers:
    """Subscriptions per chat (admins decide in groups) and the bot's feeds (owners decide)."""

    def __init__(
        self,
        alerter: Alerter,
        poller: Poller,
        assistant: Assistant,
        settings: BotSettings,
        owners: Owners,
    ) -> None:
        self.alerter = alerter
        self.poller = poller
        self.assistant = assistant
        self.settings = settings
        self.owners = owners

    async def subscribe(self, update: Update, context: Context) -> None:
        """/subscribe <topic>: alerts about new stories on the topic, in this chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        topic = addressing.command_argument(message)
        if not topic:
            await send(message, [render.subscribe_usage()])
            return
        if not await may_configure(message, user, context.bot, self.settings.owners):
            await send(message, [admins_only_message()])
            return
        await send(message, [await self._subscribe(message.chat_id, user.id, topic)])

    async def _subscribe(self, chat_id: int, user_id: int, topic: str) -> str:
        """Create a subscription and say so, or say why not."""
        try:
            subscription = await asyncio.to_thread(self.alerter.subscribe, chat_id, user_id, topic)
        except BadTopic as error:
            return f"{error}."
        except TooManySubscriptions:
            limit = {"count": MAX_SUBSCRIPTIONS}
            return _("a chat can follow at most %(count)d topics") % limit + "."
        except AlreadySubscribed as error:
            return render.already_subscribed_message(error.subscription)
        await asyncio.to_thread(self.alerter.resume, chat_id)
        await asyncio.to_thread(self.assistant.adopt_language, chat_id, spoken())
        feeds = await asyncio.to_thread(self.poller.feeds.all)
        days = self.alerter.news_age.days
        return render.subscribed_message(subscription, len(feeds), days)

    async def subscriptions(self, update: Update, context: Context) -> None:
        """/subscriptions: the topics this chat follows, with ids."""
        message = update.effective_message
        if message is None:
            return
        resumed = await asyncio.to_thread(self.alerter.resume, message.chat_id)
        found = await asyncio.to_thread(self.alerter.subscriptions, message.chat_id)
        await send(message, [render.subscriptions_message(found, resumed)])

    async def unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe ID: stop one subscription of this chat."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        sub_id = addressing.id_argument(message)
        if sub_id is None:
            found = await asyncio.to_thread(self.alerter.subscriptions, message.chat_id)
            await send(message, [render.subscriptions_message(found, 0)])
            return
        if not await may_configure(message, user, context.bot, self.settings.owners):
            await send(message, [admins_only_message()])
            return
        try:
            removed = await asyncio.to_thread(self.alerter.unsubscribe, message.chat_id, sub_id)
        except SubscriptionNotFound:
            await send(message, [render.no_subscription_message(sub_id)])
            return
        await send(message, [render.unsubscribed_message(removed)])

    async def subscribe_button(self, update: Update, context: Context) -> None:
        """The one-tap offer under an abstention: follow that question as a topic."""
        query = update.callback_query
        press = buttons.parse(query.data) if query else None
        if query is None or press is None:
            return
        answer_id = press.answer_id
        message = query.message
        if not isinstance(message, Message):
            await query.answer(_("This message is too old; use /subscribe, please."))
            return
        stored = await asyncio.to_thread(self.assistant.conversations.answer, answer_id)
        if stored is None or stored.chat_id != message.chat_id:
            await query.answer(_("This question is gone; use /subscribe, please."))
            return
        if not await may_configure(message, query.from_user, context.bot, self.settings.owners):
            await query.answer(admins_only_message(), show_alert=True)
            return
        await query.answer()
        text = await self._subscribe(message.chat_id, query.from_user.id, stored.query)
        await send(message, [text], quote=True)
        offer_taken = render.without_buttons(message.reply_markup, lambda d: d.startswith("sub:"))
        await set_keyboard(query, offer_taken)

    async def alert_button(self, update: Update, context: Context) -> None:
        """Unsubscribe, Mute this topic for a week, or Unmute, pressed under an alert."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        action, _colon, number = str(query.data).partition(":")
        message = query.message
        if not number.isdigit():
            await query.answer(_("This button no longer works."))
            return
        if not await may_configure(message, query.from_user, context.bot, self.settings.owners):
            await query.answer(admins_only_message(), show_alert=True)
            return
        chat_id, sub_id = message.chat_id, int(number)
        try:
            if action == "unsub":
                removed = await asyncio.to_thread(self.alerter.unsubscribe, chat_id, sub_id)
                await query.answer(clip(render.unsubscribed_message(removed), 190))
                await set_keyboard(query, render.without_topic(message.reply_markup, sub_id))
                return
            period = MUTE if action == "mute" else None
            muted = await asyncio.to_thread(self.alerter.mute, chat_id, sub_id, period)
        except SubscriptionNotFound:
            await query.answer(_("You no longer follow this topic."))
            await set_keyboard(query, render.without_topic(message.reply_markup, sub_id))
            return
        await query.answer(render.muted_message(muted))
        keyboard = render.muted_keyboard(message.reply_markup, sub_id, action == "mute")
        await set_keyboard(query, keyboard)

    # -- feeds ----------------------------------------------------------------

    async def feeds(self, update: Update, context: Context) -> None:
        """/feeds: the feeds the bot follows."""
        if update.effective_message:
            found = await asyncio.to_thread(self.poller.feeds.all)
            await send(update.effective_message, [render.feeds_message(found)])

    async def add_feed(self, update: Update, context: Context) -> None:
        """/addfeed URL: follow a feed (owners; in groups, owners who are admins)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        url = addressing.command_argument(message)
        if not url:
            await send(message, [_("Send the feed's address: <code>/addfeed https://…/rss</code>")])
            return
        if not await self._may_change_feeds(message, user, context):
            await send(message, [render.owners_only_message(user.id)])
            return
        reading = _("Reading the feed and storing its articles; this can take a minute…")
        await send(message, [reading])
        try:
            outcome, new = await asyncio.to_thread(self.poller.add, url, user.id)
        except (FetchError, FeedError) as error:
            reason = escape(clip(str(error), 300))
            await send(message, [_("I can't follow that: %(reason)s") % {"reason": reason}])
            return
        await asyncio.to_thread(self.alerter.match_new)
        await send(message, [render.feed_added_message(outcome, new)])

    async def remove_feed(self, update: Update, context: Context) -> None:
        """/removefeed ID: stop following a feed; its articles stay."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        feed_id = addressing.id_argument(message)
        if feed_id is None:
            await send(
                message, [_("Which one? <code>/removefeed ID</code>; /feeds lists the ids.")]
            )
            return
        if not await self._may_change_feeds(message, user, context):
            await send(message, [render.owners_only_message(user.id)])
            return
        try:
            removed = await asyncio.to_thread(self.poller.feeds.remove, feed_id)
        except FeedNotFound:
            await send(
                message, [_("There is no feed #%(id)s. /feeds lists them.") % {"id": feed_id}]
            )
            return
        await send(message, [render.feed_removed_message(removed)])

    async def _may_change_feeds(self, message: Message, user: User, context: Context) -> bool:
        """Feeds are shared by every chat: only owners change them, and in groups only as admins."""
        if user.id not in await asyncio.to_thread(self.owners.ids):
            return False
        if message.chat.type == ChatType.PRIVATE:
            return True
        return await may_configure(message, user, context.bot, frozenset())
