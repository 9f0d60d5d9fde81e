"""Alerts, subscriptions and feeds as Telegram HTML: every article and user text escaped."""

from collections.abc import Sequence
from html import escape

from bot.html import MAX_MESSAGE, MAX_TITLE, visible_length
from retrieval.alerts.alerter import StoryAlert
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
    topic = escape(clip(story.topic, 120))
    lines.append("<i>" + _("Matched your topic: %(topic)s") % {"topic": topic} + "</i>")
    return "\n".join(lines)


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


def subscribed_message(subscription: Subscription) -> str:
    """A subscription was created."""
    values = {"id": subscription.id, "topic": escape(clip(subscription.topic, 200))}
    return "🔔 " + (
        _(
            "Subscribed (#%(id)s): <b>%(topic)s</b>\n"
            "I'll send one message for each new story on this topic. "
            "/subscriptions lists your topics; "
            "<code>/unsubscribe %(id)s</code> stops this one."
        )
        % values
    )


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
    lines += [f"#{s.id} — {escape(clip(s.topic, 200))}" for s in subscriptions]
    lines += ["", _("<code>/unsubscribe ID</code> stops one.")]
    return "\n".join(lines)


def unsubscribed_message(subscription: Subscription) -> str:
    """A subscription was removed."""
    values = {"id": subscription.id, "topic": escape(clip(subscription.topic, 200))}
    return _("Unsubscribed from #%(id)s: %(topic)s") % values


def no_subscription_message(sub_id: int) -> str:
    """/unsubscribe with a wrong id."""
    return _("There is no subscription %(id)s here. /subscriptions lists them with their ids.") % {
        "id": sub_id
    }


def feeds_message(feeds: Sequence[FeedRecord]) -> str:
    """The followed feeds with ids, and what went wrong last."""
    if not feeds:
        return _("No feeds are followed yet. Owners can add one with <code>/addfeed URL</code>.")
    lines = ["<b>" + _("Feeds I follow:") + "</b>"]
    for feed in feeds:
        name = escape(clip(feed.title or feed.url, 120))
        line = f'#{feed.id} <a href="{escape(feed.url, quote=True)}">{name}</a>'
        if feed.last_error:
            line += f"\n    ⚠️ {escape(clip(feed.last_error, 200))}"
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


def owners_only_message() -> str:
    """A feed command from someone who is not one of the bot's owners."""
    return _(
        "Only the bot's owners can change its feeds (and, in groups, only if they are admins)."
    )
