"""Answers and help as Telegram HTML: all article and user text escaped, messages under 4096."""

from collections.abc import Sequence
from html import escape

from bot.html import MAX_TITLE, pack
from retrieval.conversations.assistant import Overview, Page
from retrieval.conversations.store import StoredAnswer
from retrieval.core.models import Answer, Quote
from retrieval.core.render import clip
from retrieval.language.messages import _

MAX_QUOTE = 1500
MAX_ECHO = 200
MAX_SHORT_ANSWER = 700


def citation(quote: Quote) -> str:
    """Title, outlet, date and link of a quote's article, as HTML."""
    parts = [f"<b>{escape(clip(quote.title, MAX_TITLE))}</b>"]
    if quote.source:
        parts.append(escape(clip(quote.source, MAX_TITLE)))
    if quote.published:
        parts.append(escape(quote.published[:10]))
    if quote.url and quote.url.startswith(("https://", "http://")):
        parts.append(f'<a href="{escape(quote.url, quote=True)}">link</a>')
    return " · ".join(parts)


def source_block(number: int, quote: Quote, translation: str | None = None) -> str:
    """One numbered source: its citation and the exact quote in a blockquote, then its machine
    translation if any: labelled as such, in italics, never in a blockquote."""
    block = (
        f"<b>[{number}]</b> {citation(quote)}\n"
        f"<blockquote>{escape(clip(quote.text, MAX_QUOTE))}</blockquote>"
    )
    if translation:
        label = escape(_("Machine translation, not a quote:"))
        block += f"\n<i>{label} {escape(clip(translation, MAX_QUOTE))}</i>"
    return block


def _aligned(translations: Sequence[str | None], count: int) -> list[str | None]:
    """Translations for `count` quotes (None where there is none)."""
    return [translations[n] if n < len(translations) else None for n in range(count)]


def short_answer(quotes: Sequence[Quote], first_number: int = 1) -> str:
    """The quoted sentences with citation markers, as many whole ones as read comfortably."""
    parts: list[str] = []
    length = 0
    for number, quote in enumerate(quotes, first_number):
        text = " ".join(quote.text.split())
        if parts and length + len(text) > MAX_SHORT_ANSWER:
            break
        text = clip(text, MAX_SHORT_ANSWER)
        parts.append(f"{escape(text)} [{number}]")
        length += len(text)
    return " ".join(parts)


def answer_messages(
    answer: Answer,
    query: str | None = None,
    from_briefing: bool = False,
    translations: Sequence[str | None] = (),
) -> list[str]:
    """An answer as messages: the short answer, then each source (with its machine translation
    from `translations`, if any); `query` if read in context."""
    blocks = ["<i>From the stories of that briefing:</i>"] if from_briefing else []
    if query:
        blocks.append(f"<i>Read with your previous question: {escape(clip(query, MAX_ECHO))}</i>")
    if answer.abstained:
        return pack([*blocks, *abstention_blocks(answer)])
    blocks.append(short_answer(answer.quotes))
    shown = _aligned(translations, len(answer.quotes))
    pairs = zip(answer.quotes, shown, strict=True)
    blocks += [source_block(n, q, t) for n, (q, t) in enumerate(pairs, 1)]
    return pack(blocks)


def abstention_blocks(answer: Answer) -> list[str]:
    """Saying plainly that the articles don't cover the question, and which come closest."""
    blocks = ["The stored articles don't cover this question, so I won't guess."]
    if answer.related:
        closest = "\n".join(f"• {citation(quote)}" for quote in answer.related)
        blocks.append(f"Closest articles:\n{closest}")
    else:
        blocks.append("No article comes close. Try other words, or /help.")
    return blocks


def more_messages(page: Page, translations: bool = True) -> list[str]:
    """The next sources of an earlier answer, numbered on from those already shown."""
    head = f"More sources for “{escape(clip(page.answer.question, MAX_ECHO))}”:"
    blocks = [head, short_answer(page.quotes, page.first_number)]
    shown = _aligned(page.translations if translations else (), len(page.quotes))
    blocks += [
        source_block(n, q, t)
        for n, (q, t) in enumerate(zip(page.quotes, shown, strict=True), page.first_number)
    ]
    return pack(blocks)


def sources_messages(answer: StoredAnswer, translations: Sequence[str | None] = ()) -> list[str]:
    """Every source shown for an answer, in full, for /sources (with machine translations)."""
    question = escape(clip(answer.question, MAX_ECHO))
    if answer.abstained:
        head = f"No sources answered “{question}”; the closest articles were:"
    else:
        head = f"Sources for “{question}”:"
    shown = _aligned(translations, len(answer.sources))
    blocks = [head] + [
        source_block(n, q, t) for n, (q, t) in enumerate(zip(answer.sources, shown, strict=True), 1)
    ]
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


def help_message(bot_username: str) -> str:
    """How to use the bot in private chats and groups."""
    name = escape(bot_username)
    return "\n".join(
        [
            "<b>Ask me about the stored news articles.</b>",
            "",
            "In this private chat, any message is a question. In groups, use "
            f"<code>/ask your question</code>, mention @{name}, or reply to one of my answers.",
            "",
            "Each answer quotes the articles word for word, with [1], [2]… pointing to its "
            "sources. Reply to an answer, or send a short follow-up such as "
            "<i>“and in Europe?”</i>, to ask more about the same thing.",
            "",
            "/ask <i>question</i> — ask a question",
            "/sources — every source of the last answer in this chat",
            "/previews on|off — link previews in this chat (off by default)",
            "/about — what this bot is and how it works",
            "",
            "Buttons under an answer: <b>More sources</b>, and 👍 / 👎 to say if it helped. "
            "Edited messages are not answered again: send a new message instead.",
        ]
    )


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
