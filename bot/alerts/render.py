"""Alerts, subscriptions and feeds as Telegram HTML: every article and user text escaped."""

from collections.abc import Callable, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.html import MAX_MESSAGE, MAX_TITLE, visible_length
from retrieval.alerts.alerter import StoryAlert
from retrieval.alerts.matching import topic_label
from retrieval.alerts.store import Subscription
from retrieval.briefings.render import links_line
from retrieval.core.render import clip
from retrieval.language.messages import _, ngettext
from retrieval.news.poller import FeedOutcome
from retrieval.news.store import FeedRecord

MAX_ALERT_QUOTE = 500


def story_block(story: StoryAlert) -> str:
    """One story: title, outlets and date, its key sentences quoted, links, the topic matched."""
    article = story.article
    outlets = list(dict.fromkeys(link.source for link in story.links if link.source))
    meta = [escape(clip(", ".join(outlets), MAX_TITLE))] if outlets else []
    if article.published:
        meta.append(escape(article.published[:10]))
    lines = [f"<b>{escape(clip(article.title, MAX_TITLE))}</b>"]
    if meta:
        lines.append(" · ".join(meta))
    lines += [
        f"<blockquote>{escape(clip(quote.text, MAX_ALERT_QUOTE))}</blockquote>"
        for quote in story.quotes
    ]
    read = links_line(story.links)
    if read:
        lines.append(read)
    topic = escape(clip(topic_label(story.topic), 120))
    lines.append("<i>" + _("Matched your topic: %(topic)s") % {"topic": topic} + "</i>")
    return "\n".join(lines)


def alert_keyboard(stories: Sequence[StoryAlert]) -> InlineKeyboardMarkup:
    """Under an alert, for each topic it answers: Unsubscribe, and Mute this topic for a week."""
    topics = {story.subscription_id: topic_label(story.topic) for story in stories}
    rows = []
    for sub_id, label in topics.items():
        named = f" “{clip(label, 24)}”" if len(topics) > 1 else ""
        rows.append(
            [
                InlineKeyboardButton(_("Unsubscribe") + named, callback_data=f"unsub:{sub_id}"),
                InlineKeyboardButton(
                    _("Mute for a week") if named else _("Mute this topic for a week"),
                    callback_data=f"mute:{sub_id}",
                ),
            ]
        )
    return InlineKeyboardMarkup(rows)


def without_buttons(
    markup: InlineKeyboardMarkup | None, unwanted: Callable[[str], bool]
) -> InlineKeyboardMarkup | None:
    """A keyboard without the buttons whose callback data is unwanted; None when none is left."""
    rows = [
        [b for b in row if not unwanted(str(b.callback_data or ""))]
        for row in (markup.inline_keyboard if markup else ())
    ]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def without_topic(markup: InlineKeyboardMarkup | None, sub_id: int) -> InlineKeyboardMarkup | None:
    """An alert's keyboard without the buttons of one topic (after unsubscribing from it)."""
    return without_buttons(markup, lambda data: data.endswith(f":{sub_id}"))


def muted_keyboard(
    markup: InlineKeyboardMarkup | None, sub_id: int, muted: bool
) -> InlineKeyboardMarkup:
    """An alert's keyboard with one topic's Mute turned into Unmute, or back."""
    old, new = ("mute", "unmute") if muted else ("unmute", "mute")
    swapped = InlineKeyboardButton(
        _("Unmute") if muted else _("Mute for a week"), callback_data=f"{new}:{sub_id}"
    )
    rows = [
        [swapped if b.callback_data == f"{old}:{sub_id}" else b for b in row]
        for row in (markup.inline_keyboard if markup else ())
    ]
    return InlineKeyboardMarkup(rows)


def alert_messages(stories: Sequence[StoryAlert]) -> list[tuple[str, list[StoryAlert]]]:
    """Stories packed into as few messages as fit, each message with the stories it carries."""
    messages: list[tuple[str, list[StoryAlert]]] = []
    for story in stories:
        block = story_block(story)
        if messages:
            text, carried = messages[-1]
            joined = f"{text}\n\n{block}"
            if visible_length(joined) <= MAX_MESSAGE:
                messages[-1] = (joined, [*carried, story])
                continue
        head = "🔔 <b>" + _("New on your topics") + "</b>"
        messages.append((f"{head}\n\n{block}", [story]))
    return messages


def subscribed_message(subscription: Subscription, feeds: int, news_days: int) -> str:
    """A subscription was created: what will arrive, and why nothing can while no feed is read."""
    values = {
        "id": subscription.id,
        "topic": escape(clip(topic_label(subscription.topic), 200)),
        "days": news_days,
    }
    lines = [
        "🔔 " + _("Subscribed (#%(id)s): <b>%(topic)s</b>") % values,
        ngettext(
            "I'll send one message for each new story on this topic published in the last "
            "%(days)d day (older ones are stored without an alert). /subscriptions lists your "
            "topics; <code>/unsubscribe %(id)s</code> stops this one.",
            "I'll send one message for each new story on this topic published in the last "
            "%(days)d days (older ones are stored without an alert). /subscriptions lists your "
            "topics; <code>/unsubscribe %(id)s</code> stops this one.",
            news_days,
        )
        % values,
    ]
    if not feeds:
        lines += ["", no_feeds_warning()]
    return "\n".join(lines)


def no_feeds_warning() -> str:
    """Alerts cannot arrive: the bot reads no feeds yet."""
    return "⚠️ " + _(
        "I don't follow any news feed yet, so no alert can arrive until one is added. "
        "The bot's owners add feeds with <code>/addfeed URL</code>, or import the starter list "
        "with <code>cyberbrief feeds import data/feeds/cybercrime.opml</code>; "
        "/whoami shows your Telegram id."
    )


def already_subscribed_message(subscription: Subscription) -> str:
    """The chat already follows this topic."""
    return _("This chat already follows that topic (#%(id)s): <b>%(topic)s</b>") % {
        "id": subscription.id,
        "topic": escape(clip(topic_label(subscription.topic), 200)),
    }


def muted_message(subscription: Subscription) -> str:
    """A topic was muted, or heard again."""
    label = clip(topic_label(subscription.topic), 60)
    if subscription.muted_until:
        return _("Muted until %(date)s: %(topic)s") % {
            "date": subscription.muted_until[:10],
            "topic": label,
        }
    return _("Alerts on again: %(topic)s") % {"topic": label}


def subscribe_usage() -> str:
    """How to subscribe."""
    return _(
        "Tell me the topic in your own words, for example:\n"
        "<code>/subscribe ransomware attacks on hospitals</code>\n"
        "Put a minus before words to leave out stories with them: "
        "<code>/subscribe drug cartels -football</code>"
    )


def subscriptions_message(subscriptions: Sequence[Subscription], resumed: int) -> str:
    """A chat's subscriptions, with ids."""
    lines = []
    if resumed:
        lines += [_("Alerts were paused because I couldn't write here; they are back on."), ""]
    if not subscriptions:
        return "\n".join([*lines, _("No subscriptions here yet."), "", subscribe_usage()])
    lines.append("<b>" + _("Topics followed here:") + "</b>")
    lines += [
        f"#{s.id} — {escape(clip(topic_label(s.topic), 200))}"
        + (
            " " + _("(muted until %(date)s)") % {"date": s.muted_until[:10]}
            if s.muted_until
            else ""
        )
        for s in subscriptions
    ]
    lines += ["", _("<code>/unsubscribe ID</code> stops one.")]
    return "\n".join(lines)


def unsubscribed_message(subscription: Subscription) -> str:
    """A subscription was removed."""
    label = escape(clip(topic_label(subscription.topic), 200))
    return _("Unsubscribed from #%(id)s: %(topic)s") % {"id": subscription.id, "topic": label}


def no_subscription_message(sub_id: int) -> str:
    """/unsubscribe with a wrong id."""
    return _("There is no subscription %(id)s here. /subscriptions lists them with their ids.") % {
        "id": sub_id
    }


def feeds_message(feeds: Sequence[FeedRecord]) -> str:
    """The followed feeds with ids, what went wrong last, and what the last poll left out."""
    if not feeds:
        return _("No feeds are followed yet. Owners can add one with <code>/addfeed URL</code>.")
    lines = ["<b>" + _("Feeds I follow:") + "</b>"]
    for feed in feeds:
        name = escape(clip(feed.title or feed.url, 120))
        line = f'#{feed.id} <a href="{escape(feed.url, quote=True)}">{name}</a>'
        if feed.last_error:
            line += f"\n    ⚠️ {escape(clip(feed.last_error, 200))}"
        if feed.last_warning:
            line += f"\n    📝 {escape(clip(feed.last_warning, 200))}"
        lines.append(line)
    return "\n".join(lines)


def feed_added_message(outcome: FeedOutcome, new: bool) -> str:
    """A feed was added and polled once."""
    feed = outcome.feed
    values = {"id": feed.id, "name": escape(clip(feed.title or feed.url, 200))}
    if not new:
        return _("I already follow #%(id)s %(name)s.") % values
    if outcome.error:
        return _(
            "Added #%(id)s %(name)s, but the first poll failed: %(error)s. I'll keep trying."
        ) % {**values, "error": escape(clip(outcome.error, 300))}
    return ngettext(
        "Added #%(id)s %(name)s: %(count)d new article.",
        "Added #%(id)s %(name)s: %(count)d new articles.",
        outcome.new,
    ) % {**values, "count": outcome.new}


def feed_removed_message(feed: FeedRecord) -> str:
    """A feed was removed."""
    name = escape(clip(feed.title or feed.url, 200))
    return _("Stopped following #%(id)s %(name)s.") % {"id": feed.id, "name": name}


def owners_only_message(user_id: int) -> str:
    """A feed command from someone who is not one of the bot's owners: how to become one."""
    return _(
        "Only the bot's owners can change its feeds (and, in groups, only if they are admins). "
        "Your Telegram id is <code>%(id)s</code>: whoever runs the bot can make you an owner "
        "with <code>cyberbrief owners add %(id)s</code>."
    ) % {"id": user_id}
