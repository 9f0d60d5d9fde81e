"""Owner and privacy messages as Telegram HTML."""

from collections.abc import Sequence
from html import escape

from retrieval.conversations.store import Forgotten
from retrieval.core.render import clip
from retrieval.operations.store import ArticleEntry, Stats


def whoami_message(user_id: int, chat_id: int, private: bool, owner: bool) -> str:
    """A person's Telegram id, this chat's, and whether they are one of the bot's owners."""
    lines = [f"Your Telegram id is <code>{user_id}</code>."]
    if not private:
        lines.append(f"This chat's id is <code>{chat_id}</code>.")
    if owner:
        lines.append("You are one of the bot's owners: you can add feeds with /addfeed URL.")
    else:
        lines.append(
            "You are not one of the bot's owners. Whoever runs the bot can make you one with "
            f"<code>cyberbrief owners add {user_id}</code> (or CYBERBRIEF_OWNERS={user_id})."
        )
    return "\n".join(lines)


def forgotten_message(forgotten: Forgotten) -> str:
    """What /forget deleted."""
    if not forgotten.questions and not forgotten.votes:
        return "I keep nothing of yours in this chat: no questions, answers or votes."
    questions = f"{forgotten.questions} question{'s' if forgotten.questions != 1 else ''}"
    votes = f"{forgotten.votes} vote{'s' if forgotten.votes != 1 else ''}"
    return escape(
        f"Deleted {questions} with their answers, and {votes}, of yours in this chat. "
        "Your subscriptions stay: /subscriptions lists them."
    )


def owners_only_message(user_id: int) -> str:
    """The owner's view asked for by someone else."""
    return (
        "Only the bot's owners see this. "
        f"Your Telegram id is <code>{user_id}</code>: whoever runs the bot can make you an owner "
        f"with <code>cyberbrief owners add {user_id}</code>."
    )


def stats_message(found: Stats, days: int) -> str:
    """The bot at a glance, as HTML."""
    failing = [feed for feed in found.feeds if feed.errors]
    lines = [
        "<b>The bot at a glance</b>",
        f"📚 {found.articles:,} articles from {found.outlets} outlets; "
        f"{found.stored_since:,} stored in the last {days} days",
        f"📡 {len(found.feeds)} feeds, {len(failing)} failing",
    ]
    lines += [
        f"   ⚠️ #{feed.id} {escape(clip(feed.name, 60))}: {escape(clip(feed.last_error or '', 120))}"
        for feed in failing
    ]
    lines += [
        f"💬 {found.chats} chats; 🔔 {found.subscriptions} subscriptions in "
        f"{found.subscribed_chats} chats; {found.alerts_sent} alerts sent",
        f"❓ Last {days} days: {found.answered} questions answered, {found.abstained} not "
        "covered by the articles",
        f"👍 {found.up} · 👎 {found.down}",
    ]
    lines += [
        f"   {'👍' if vote.vote > 0 else '👎'} {escape(clip(vote.question, 100))}"
        for vote in found.votes
    ]
    return "\n".join(lines)


def _line(entry: ArticleEntry) -> str:
    """One article in a line."""
    date = (entry.published or "undated")[:10]
    return f"#{entry.id} {date} · {escape(entry.source or '-')} — {escape(clip(entry.title, 90))}"


def articles_message(entries: Sequence[ArticleEntry]) -> str:
    """The articles stored last."""
    if not entries:
        return "No articles are stored yet."
    lines = ["<b>Stored last:</b>", *(_line(entry) for entry in entries)]
    lines += ["", "<code>/articles ID</code> shows one; <code>cyberbrief articles remove ID</code>"
              " deletes one."]  # fmt: skip
    return "\n".join(lines)


def article_message(entry: ArticleEntry) -> str:
    """One stored article: where it is from."""
    lines = [
        f"<b>{escape(clip(entry.title, 200))}</b>",
        f"#{entry.id} · {escape(entry.source or 'no outlet')} · published "
        f"{escape((entry.published or 'undated')[:10])} · stored {entry.ingested_at[:10]}",
        f"{entry.chars:,} characters",
    ]
    if entry.url:
        lines.append(f'<a href="{escape(entry.url, quote=True)}">{escape(clip(entry.url, 80))}</a>')
    if entry.feeds:
        lines.append("From: " + escape(", ".join(entry.feeds)))
    return "\n".join(lines)
