"""Answers and help as Telegram HTML: all article and user text escaped, messages under 4096."""

from collections.abc import Mapping, Sequence
from html import escape

from bot.commands import MARKS, Command, Who
from bot.html import MAX_TITLE, pack
from retrieval.conversations.assistant import Overview, Page
from retrieval.conversations.store import StoredAnswer
from retrieval.core.models import Answer, Quote
from retrieval.core.render import MAX_RELATED, by_article, clip, missing_statement
from retrieval.language.messages import _, ngettext, spoken

Translations = Mapping[tuple[int, int], str]  # machine translations by (article id, start)

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


def excerpts(quotes: Sequence[Quote], translations: Translations | None = None) -> str:
    """One article's quotes in one blockquote, one per line, under a single source line.

    Quotes in another language than the reader's are followed by their machine translation:
    labelled as such, in italics, never inside the blockquote.
    """
    lines = "\n".join(escape(clip(quote.text, MAX_QUOTE)) for quote in quotes)
    block = f"<blockquote>{lines}</blockquote>"
    translated = [(translations or {}).get((quote.article_id, quote.start)) for quote in quotes]
    if any(translated):
        label = escape(_("Machine translation, not a quote:"))
        text = escape(clip(" ".join(t for t in translated if t), MAX_QUOTE))
        block += f"\n<i>{label} {text}</i>"
    return f"{block}\n— {citation(quotes[0])}"


def translations_of(quotes: Sequence[Quote], texts: Sequence[str | None]) -> Translations:
    """Machine translations aligned with quotes, keyed for `excerpts`."""
    return {
        (quote.article_id, quote.start): text
        for quote, text in zip(quotes, texts, strict=False)
        if text
    }


def related_reading(quotes: Sequence[Quote]) -> str:
    """Passages close to a question they do not answer: clipped, bulleted, with their sources."""
    items = [
        f"• <i>{escape(clip(quote.text, MAX_RELATED))}</i>\n  — {citation(quote)}"
        for group in by_article(quotes)
        for quote in group[:1]
    ]
    return "\n".join([_("Related reading, not an answer:"), *items])


def header(answer: Answer, read_as: str | None, from_briefing: bool) -> list[str]:
    """What the answer was read as: from a briefing, as a follow-up, or with typos corrected."""
    lines = ["<i>" + _("From the stories of that briefing:") + "</i>"] if from_briefing else []
    if answer.searched:
        searched = escape(clip(answer.searched, MAX_ECHO))
        lines.append("<i>" + _("Searched for: %(query)s") % {"query": searched} + "</i>")
    elif read_as:
        read = escape(clip(read_as, MAX_ECHO))
        lines.append("<i>" + _("Read as: %(query)s") % {"query": read} + "</i>")
    return ["\n".join(lines)] if lines else []


def answer_messages(
    answer: Answer,
    read_as: str | None = None,
    from_briefing: bool = False,
    translations: bool = True,
) -> list[str]:
    """An answer as messages: each article's quotes under one source line, best first (with
    the machine translations of quotes in another language, unless `translations` is off)."""
    blocks = header(answer, read_as, from_briefing)
    if answer.answered:
        wanted = translations and answer.language == spoken()  # into the reader's language only
        shown = translations_of(answer.quotes, answer.translations) if wanted else {}
        blocks += [excerpts(group, shown) for group in by_article(answer.quotes)]
    elif answer.coverage == "partial":
        blocks.append(escape(missing_statement(answer)))
        if answer.reading:
            blocks.append(related_reading(answer.reading))
    else:
        blocks += abstention_blocks(answer)
    return pack(blocks)


def abstention_blocks(answer: Answer) -> list[str]:
    """Saying plainly that the articles don't cover the question, and which come closest."""
    blocks = [_("The stored articles don't cover this question, so I won't guess.")]
    if answer.related:
        closest = "\n".join(f"• {citation(group[0])}" for group in by_article(answer.related))
        blocks.append(_("Closest articles:") + f"\n{closest}")
    else:
        blocks.append(_("No article comes close. Try other words, or /help."))
    return blocks


def more_messages(page: Page, translations: bool = True) -> list[str]:
    """The next sources of an earlier answer, grouped by article like the answer; after the last
    that answer the question, a line says so."""
    question = escape(clip(page.answer.question, MAX_ECHO))
    head = _("More sources for “%(question)s”:") % {"question": question}
    shown = translations_of(page.quotes, page.translations) if translations else {}
    tail = [_("No more sources answer this question.")] if page.last else []
    return pack([head, *(excerpts(group, shown) for group in by_article(page.quotes)), *tail])


def sources_messages(answer: StoredAnswer, translations: Sequence[str | None] = ()) -> list[str]:
    """Every source shown for an answer, grouped by article, for /sources (with the machine
    translations given, aligned with its sources)."""
    question = escape(clip(answer.question, MAX_ECHO))
    if answer.abstained:
        head = _("No sources answered “%(question)s”; the closest articles were:") % {
            "question": question
        }
    else:
        head = _("Sources for “%(question)s”:") % {"question": question}
    shown = translations_of(answer.sources, translations)
    blocks = [head, *(excerpts(group, shown) for group in by_article(answer.sources))]
    if len(blocks) == 1:
        blocks.append(_("No article came close."))
    return pack(blocks)


def start_message(overview: Overview, first_name: str | None) -> str:
    """The welcome: what the bot knows, and two questions to try."""
    summary = overview.summary
    if first_name:
        greeting = _("Hello, %(name)s!") % {"name": escape(clip(first_name, 60))}
    else:
        greeting = _("Hello!")
    known = ngettext(
        "I know <b>%(count)s</b> article", "I know <b>%(count)s</b> articles", summary.articles
    ) % {"count": f"{summary.articles:,}"}
    lines = [
        greeting
        + " "
        + _(
            "I answer questions about news articles on cybercrime, quoting the articles word "
            "for word so you can check every answer."
        ),
        "",
        known,
    ]
    if summary.outlets:
        outlets = ", ".join(escape(outlet) for outlet in summary.outlets[:5])
        more = len(summary.outlets) - 5
        lines[-1] += " " + _("from %(outlets)s") % {"outlets": outlets}
        if more > 0:
            lines[-1] += " " + ngettext(
                "and %(count)d more outlet", "and %(count)d more outlets", more
            ) % {"count": more}
    if summary.newest:
        lines[-1] += "; " + _("the newest is from %(date)s") % {"date": escape(summary.newest[:10])}
    lines[-1] += "."
    if overview.examples:
        lines += ["", _("Try asking:")]
        lines += [f"• <code>{escape(q)}</code>" for q in overview.examples]
    lines += ["", _("Just send me a question. /help explains the rest.")]
    return "\n".join(lines)


def help_message(bot_username: str, commands: Sequence[tuple[Command, Who]], private: bool) -> str:
    """How to ask here, and every command that works in this chat (who may use it marked)."""
    name = escape(bot_username)
    if private:
        how = _("Any message here is a question, in English or Spanish.")
    else:
        how = _(
            "In this group, ask with <code>/ask your question</code>, mention @%(name)s, "
            "or reply to one of my answers."
        ) % {"name": name}
    lines = [
        "<b>" + _("Ask me about the stored news articles.") + "</b>",
        "",
        how
        + " "
        + _(
            "Each answer quotes the articles word for word under their sources. Reply to an "
            "answer, or send a follow-up such as <i>“and in Europe?”</i>, to ask more about it."
        ),
        "",
    ]
    for command, who in commands:
        usage = f" <i>{escape(command.arguments)}</i>" if command.arguments else ""
        mark = f" ({_(MARKS[who])})" if MARKS[who] else ""
        summary = escape(_(command.summary), quote=False)
        lines.append(f"/{command.name}{usage} — {summary}{mark}")
    lines += [
        "",
        _(
            "Under an answer: <b>More sources</b>, and 👍 / 👎 to say if it helped (press the "
            "other to change your vote). Edited messages are not answered again."
        ),
    ]
    return "\n".join(lines)


def about_message(overview: Overview) -> str:
    """What the bot is, how it answers, and what it stores."""
    return "\n".join(
        [
            _(
                "<b>cyberbrief</b> answers questions about a collection of news articles on "
                "cybercrime. It does not write answers of its own: it finds the sentences in the "
                "articles that answer you and quotes them exactly, with their sources."
            ),
            "",
            _(
                "It searches %(count)s stored articles by keywords and by meaning. When none of "
                "them answers, it says so instead of guessing."
            )
            % {"count": f"{overview.summary.articles:,}"},
            "",
            _(
                "Questions may be asked in English or Spanish. A quote in another language than "
                "yours is followed by a machine translation, labelled as such: the quote itself "
                "is always the article's own words."
            ),
            "",
            _(
                "It remembers, per chat, the answers it gave (for follow-ups, /sources and "
                "More sources), your 👍 / 👎 with the question and sources shown, and chat "
                "settings."
            ),
        ]
    )


def vote_message(mine: int) -> str:
    """What a press on 👍 or 👎 did, for the person who pressed."""
    if mine == 0:
        return _("Vote taken back.")
    given, other = ("👍", "👎") if mine > 0 else ("👎", "👍")
    return _(
        "Thanks! Your vote: %(given)s (press %(other)s to change it, %(given)s to take it back)."
    ) % {"given": given, "other": other}


def flood_message(seconds: float) -> str:
    """Asking too fast."""
    wait = max(1, round(seconds))
    return ngettext(
        "You're asking faster than I can keep up with. Please wait %(count)d second and ask again.",
        "You're asking faster than I can keep up with. Please wait %(count)d seconds and ask "
        "again.",
        wait,
    ) % {"count": wait}


def empty_question_message(example: str | None) -> str:
    """A command or mention without a question."""
    sample = escape(example or _("How do criminals use social networks?"))
    return _("What would you like to know? For example:") + f"\n<code>/ask {sample}</code>"


def text_only_message() -> str:
    """A sticker, photo or other message without text."""
    return _("I can only read text. Send me your question in words.")


def unknown_command_message(command: str) -> str:
    """A command the bot does not have."""
    return _("I don't know %(command)s. /help lists what I can do.") % {
        "command": escape(clip(command, 64))
    }


def edited_message() -> str:
    """An edited question."""
    return _("I don't answer edited messages again. Send the corrected question as a new message.")


def previews_message(enabled: bool) -> str:
    """Link previews were switched."""
    state = _("on") if enabled else _("off")
    return _("Link previews are now <b>%(state)s</b> in this chat.") % {"state": state}


def previews_usage(enabled: bool) -> str:
    """How to switch link previews."""
    state = _("on") if enabled else _("off")
    return _(
        "Link previews are <b>%(state)s</b> here. "
        "Use <code>/previews on</code> or <code>/previews off</code>."
    ) % {"state": state}


def no_answer_yet_message() -> str:
    """/sources before any answer."""
    return _("I haven't answered anything in this chat yet. Ask me a question first.")
