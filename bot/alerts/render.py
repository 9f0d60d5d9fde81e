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
    lines.append(f"<i>Matched your topic: {escape(clip(topic_label(story.topic), 120))}</i>")
    return "\n".join(lines)


def alert_keyboard(stories: Sequence[StoryAlert]) -> InlineKeyboardMarkup:
    """Under an alert, for each topic it answers: Unsubscribe, and Mute this topic for a week."""
    topics = {story.subscription_id: topic_label(story.topic) for story in stories}
    rows = []
    for sub_id, label in topics.items():
        named = f" “{clip(label, 24)}”" if len(topics) > 1 else ""
        rows.append(
            [
                InlineKeyboardButton(f"Unsubscribe{named}", callback_data=f"unsub:{sub_id}"),
                InlineKeyboardButton(
                    "Mute for a week" if named else "Mute this topic for a week",
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
        "Unmute" if muted else "Mute for a week", callback_data=f"{new}:{sub_id}"
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
        messages.append((f"🔔 <b>New on your topics</b>\n\n{block}", [story]))
    return messages


def subscribed_message(subscription: Subscription, feeds: int, news_days: int) -> str:
    """A subscription was created: what will arrive, and why nothing can while no feed is read."""
    lines = [
        f"🔔 Subscribed (#{subscription.id}): "
        f"<b>{escape(clip(topic_label(subscription.topic), 200))}</b>",
        f"I'll send one message for each new story on this topic published in the last "
        f"{news_days} {'day' if news_days == 1 else 'days'} (older ones are stored without an "
        f"alert). /subscriptions lists your topics; "
        f"<code>/unsubscribe {subscription.id}</code> stops this one.",
    ]
    if not feeds:
        lines += ["", no_feeds_warning()]
    return "\n".join(lines)


def no_feeds_warning() -> str:
    """Alerts cannot arrive: the bot reads no feeds yet."""
    return (
        "⚠️ I don't follow any news feed yet, so no alert can arrive until one is added. "
        "The bot's owners add feeds with <code>/addfeed URL</code>, or import the starter list "
        "with <code>cyberbrief feeds import data/feeds/cybercrime.opml</code>; "
        "/whoami shows your Telegram id."
    )


def already_subscribed_message(subscription: Subscription) -> str:
    """The chat already follows this topic."""
    return (
        f"This chat already follows that topic (#{subscription.id}): "
        f"<b>{escape(clip(topic_label(subscription.topic), 200))}</b>"
    )


def muted_message(subscription: Subscription) -> str:
    """A topic was muted, or heard again."""
    label = clip(topic_label(subscription.topic), 60)
    if subscription.muted_until:
        return f"Muted until {subscription.muted_until[:10]}: {label}"
    return f"Alerts on again: {label}"


def subscribe_usage() -> str:
    """How to subscribe."""
    return (
        "Tell me the topic in your own words, for example:\n"
        "<code>/subscribe ransomware attacks on hospitals</code>\n"
        "Put a minus before words to leave out stories with them: "
        "<code>/subscribe drug cartels -football</code>"
    )


def subscriptions_message(subscriptions: Sequence[Subscription], resumed: int) -> str:
    """A chat's subscriptions, with ids."""
    lines = []
    if resumed:
        lines += ["Alerts were paused because I couldn't write here; they are back on.", ""]
    if not subscriptions:
        return "\n".join([*lines, "No subscriptions here yet.", "", subscribe_usage()])
    lines.append("<b>Topics followed here:</b>")
    lines += [
        f"#{s.id} — {escape(clip(topic_label(s.topic), 200))}"
        + (f" (muted until {s.muted_until[:10]})" if s.muted_until else "")
        for s in subscriptions
    ]
    lines += ["", "<code>/unsubscribe ID</code> stops one."]
    return "\n".join(lines)


def unsubscribed_message(subscription: Subscription) -> str:
    """A subscription was removed."""
    label = escape(clip(topic_label(subscription.topic), 200))
    return f"Unsubscribed from #{subscription.id}: {label}"


def no_subscription_message(sub_id: int) -> str:
    """/unsubscribe with a wrong id."""
    return f"There is no subscription {sub_id} here. /subscriptions lists them with their ids."


def feeds_message(feeds: Sequence[FeedRecord]) -> str:
    """The followed feeds with ids, what went wrong last, and what the last poll left out."""
    if not feeds:
        return "No feeds are followed yet. Owners can add one with <code>/addfeed URL</code>."
    lines = ["<b>Feeds I follow:</b>"]
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
    name = escape(clip(feed.title or feed.url, 200))
    if not new:
        return f"I already follow #{feed.id} {name}."
    if outcome.error:
        return (
            f"Added #{feed.id} {name}, but the first poll failed: "
            f"{escape(clip(outcome.error, 300))}. I'll keep trying."
        )
    return f"Added #{feed.id} {name}: {outcome.new} new article{'s' if outcome.new != 1 else ''}."


def feed_removed_message(feed: FeedRecord) -> str:
    """A feed was removed."""
    return f"Stopped following #{feed.id} {escape(clip(feed.title or feed.url, 200))}."


def owners_only_message(user_id: int) -> str:
    """A feed command from someone who is not one of the bot's owners: how to become one."""
    return (
        "Only the bot's owners can change its feeds (and, in groups, only if they are admins). "
        f"Your Telegram id is <code>{user_id}</code>: whoever runs the bot can make you an owner "
        f"with <code>cyberbrief owners add {user_id}</code>."
    )
