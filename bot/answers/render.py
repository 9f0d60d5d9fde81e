"""Answers and help as Telegram HTML: all article and user text escaped, messages under 4096."""

from collections.abc import Sequence
from html import escape

from bot.commands import MARKS, Command, Who
from bot.html import MAX_TITLE, pack
from retrieval.conversations.assistant import Overview, Page
from retrieval.conversations.store import StoredAnswer
from retrieval.core.models import Answer, Quote
from retrieval.core.render import MAX_RELATED, by_article, clip, missing_statement

MAX_QUOTE = 1500
MAX_ECHO = 200
MAX_SOURCE_TITLE = 100


def citation(quote: Quote) -> str:
    """Title (the link, when the article has one), outlet and date of a quote's article, as HTML."""
    title = escape(clip(quote.title, MAX_SOURCE_TITLE))
    if quote.url and quote.url.startswith(("https://", "http://")):
        title = f'<a href="{escape(quote.url, quote=True)}">{title}</a>'
    parts = [title]
    if quote.source:
        parts.append(escape(clip(quote.source, MAX_TITLE)))
    if quote.published:
        parts.append(escape(quote.published[:10]))
    return " · ".join(parts)


def excerpts(quotes: Sequence[Quote]) -> str:
    """One article's quotes in one blockquote, one per line, under a single source line."""
    lines = "\n".join(escape(clip(quote.text, MAX_QUOTE)) for quote in quotes)
    return f"<blockquote>{lines}</blockquote>\n— {citation(quotes[0])}"


def related_reading(quotes: Sequence[Quote]) -> str:
    """Passages close to a question they do not answer: clipped, bulleted, with their sources."""
    items = [
        f"• <i>{escape(clip(quote.text, MAX_RELATED))}</i>\n  — {citation(quote)}"
        for group in by_article(quotes)
        for quote in group[:1]
    ]
    return "\n".join(["Related reading, not an answer:", *items])


def header(answer: Answer, read_as: str | None, from_briefing: bool) -> list[str]:
    """What the answer was read as: from a briefing, as a follow-up, or with typos corrected."""
    lines = ["<i>From the stories of that briefing:</i>"] if from_briefing else []
    if answer.searched:
        lines.append(f"<i>Searched for: {escape(clip(answer.searched, MAX_ECHO))}</i>")
    elif read_as:
        lines.append(f"<i>Read as: {escape(clip(read_as, MAX_ECHO))}</i>")
    return ["\n".join(lines)] if lines else []


def answer_messages(
    answer: Answer, read_as: str | None = None, from_briefing: bool = False
) -> list[str]:
    """An answer as messages: each article's quotes under one source line, best first."""
    blocks = header(answer, read_as, from_briefing)
    if answer.answered:
        blocks += [excerpts(group) for group in by_article(answer.quotes)]
    elif answer.coverage == "partial":
        blocks.append(escape(missing_statement(answer)))
        if answer.reading:
            blocks.append(related_reading(answer.reading))
    else:
        blocks += abstention_blocks(answer)
    return pack(blocks)


def abstention_blocks(answer: Answer) -> list[str]:
    """Saying plainly that the articles don't cover the question, and which come closest."""
    blocks = ["The stored articles don't cover this question, so I won't guess."]
    if answer.related:
        closest = "\n".join(f"• {citation(group[0])}" for group in by_article(answer.related))
        blocks.append(f"Closest articles:\n{closest}")
    else:
        blocks.append("No article comes close. Try other words, or /help.")
    return blocks


def more_messages(page: Page) -> list[str]:
    """The next sources of an earlier answer, grouped by article like the answer; after the last
    that answer the question, a line says so."""
    head = f"More sources for “{escape(clip(page.answer.question, MAX_ECHO))}”:"
    tail = ["No more sources answer this question."] if page.last else []
    return pack([head, *(excerpts(group) for group in by_article(page.quotes)), *tail])


def sources_messages(answer: StoredAnswer) -> list[str]:
    """Every source shown for an answer, grouped by article, for /sources."""
    question = escape(clip(answer.question, MAX_ECHO))
    if answer.abstained:
        head = f"No sources answered “{question}”; the closest articles were:"
    else:
        head = f"Sources for “{question}”:"
    blocks = [head, *(excerpts(group) for group in by_article(answer.sources))]
    if len(blocks) == 1:
        blocks.append("No article came close.")
    return pack(blocks)


def start_message(overview: Overview, first_name: str | None) -> str:
    """The welcome: what the bot knows, and two questions to try."""
    summary = overview.summary
    greeting = f"Hello, {escape(clip(first_name, 60))}!" if first_name else "Hello!"
    lines = [
        f"{greeting} I answer questions about news articles on cybercrime, "
        "quoting the articles word for word so you can check every answer.",
        "",
        f"I know <b>{summary.articles:,}</b> article{'s' if summary.articles != 1 else ''}",
    ]
    if summary.outlets:
        outlets = ", ".join(escape(outlet) for outlet in summary.outlets[:5])
        more = len(summary.outlets) - 5
        lines[-1] += f" from {outlets}" + (f" and {more} more outlets" if more > 0 else "")
    if summary.newest:
        lines[-1] += f"; the newest is from {escape(summary.newest[:10])}"
    lines[-1] += "."
    if overview.examples:
        lines += ["", "Try asking:"] + [f"• <code>{escape(q)}</code>" for q in overview.examples]
    lines += ["", "Just send me a question. /help explains the rest."]
    return "\n".join(lines)


def help_message(bot_username: str, commands: Sequence[tuple[Command, Who]], private: bool) -> str:
    """How to ask here, and every command that works in this chat (who may use it marked)."""
    name = escape(bot_username)
    if private:
        how = "Any message here is a question."
    else:
        how = (
            f"In this group, ask with <code>/ask your question</code>, mention @{name}, "
            "or reply to one of my answers."
        )
    lines = [
        "<b>Ask me about the stored news articles.</b>",
        "",
        f"{how} Each answer quotes the articles word for word under their sources. Reply to "
        "an answer, or send a follow-up such as <i>“and in Europe?”</i>, to ask more about it.",
        "",
    ]
    for command, who in commands:
        usage = f" <i>{escape(command.arguments)}</i>" if command.arguments else ""
        mark = f" ({MARKS[who]})" if MARKS[who] else ""
        lines.append(f"/{command.name}{usage} — {escape(command.summary, quote=False)}{mark}")
    lines += [
        "",
        "Under an answer: <b>More sources</b>, and 👍 / 👎 to say if it helped (press the "
        "other to change your vote). Edited messages are not answered again.",
    ]
    return "\n".join(lines)


def about_message(overview: Overview) -> str:
    """What the bot is, how it answers, and what it stores."""
    return "\n".join(
        [
            "<b>cyberbrief</b> answers questions about a collection of news articles on "
            "cybercrime. It does not write answers of its own: it finds the sentences in the "
            "articles that answer you and quotes them exactly, with their sources.",
            "",
            f"It searches {overview.summary.articles:,} stored articles by keywords and by "
            "meaning. When none of them answers, it says so instead of guessing.",
            "",
            "It remembers, per chat, the answers it gave (for follow-ups, /sources and "
            "More sources), your 👍 / 👎 with the question and sources shown, and chat settings.",
        ]
    )


def vote_message(mine: int) -> str:
    """What a press on 👍 or 👎 did, for the person who pressed."""
    if mine == 0:
        return "Vote taken back."
    given, other = ("👍", "👎") if mine > 0 else ("👎", "👍")
    return f"Thanks! Your vote: {given} (press {other} to change it, {given} to take it back)."


def flood_message(seconds: float) -> str:
    """Asking too fast."""
    wait = max(1, round(seconds))
    return (
        "You're asking faster than I can keep up with. "
        f"Please wait {wait} second{'s' if wait != 1 else ''} and ask again."
    )


def empty_question_message(example: str | None) -> str:
    """A command or mention without a question."""
    sample = escape(example or "How do criminals use social networks?")
    return f"What would you like to know? For example:\n<code>/ask {sample}</code>"


def text_only_message() -> str:
    """A sticker, photo or other message without text."""
    return "I can only read text. Send me your question in words."


def unknown_command_message(command: str) -> str:
    """A command the bot does not have."""
    return f"I don't know {escape(clip(command, 64))}. /help lists what I can do."


def edited_message() -> str:
    """An edited question."""
    return "I don't answer edited messages again. Send the corrected question as a new message."


def previews_message(enabled: bool) -> str:
    """Link previews were switched."""
    return f"Link previews are now <b>{'on' if enabled else 'off'}</b> in this chat."


def previews_usage(enabled: bool) -> str:
    """How to switch link previews."""
    state = "on" if enabled else "off"
    return (
        f"Link previews are <b>{state}</b> here. "
        "Use <code>/previews on</code> or <code>/previews off</code>."
    )


def no_answer_yet_message() -> str:
    """/sources before any answer."""
    return "I haven't answered anything in this chat yet. Ask me a question first."
