"""Answers and search hits as plain text and as JSON, for the terminal."""

import json
import textwrap
from collections.abc import Sequence

from retrieval.core.models import Answer, Article, Hit, Quote
from retrieval.language.messages import N_, _

MAX_RELATED = 200  # characters of a related passage shown (it is reading, not the answer)
ABSTENTION = N_("The stored articles don't cover this question.")


def clip(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def by_article(quotes: Sequence[Quote], once: bool = True) -> list[tuple[Quote, ...]]:
    """Quotes grouped by article, best article first, best quote first.

    With `once`, a sentence already shown from another article (a copy of the same story) is
    left out, so people read each sentence once; the JSON keeps every quote.
    """
    groups: dict[int, list[Quote]] = {}
    shown: set[str] = set()
    for quote in quotes:
        sentence = " ".join(quote.text.split())
        if once and sentence in shown:
            continue
        shown.add(sentence)
        groups.setdefault(quote.article_id, []).append(quote)
    return [tuple(group) for group in groups.values()]


def missing_statement(answer: Answer) -> str:
    """What the articles do not mention, in a plain sentence, for a partly covered question."""
    missing = _listed(answer.missing) or _("what you asked")
    if answer.covered:
        return _("The articles mention %(covered)s, but nothing about %(missing)s.") % {
            "covered": _listed(answer.covered),
            "missing": missing,
        }
    return _("The articles say nothing about %(missing)s.") % {"missing": missing}


def _listed(words: Sequence[str]) -> str:
    """Words as a list in the language spoken: "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return _("%(words)s and %(last)s") % {"words": ", ".join(words[:-1]), "last": words[-1]}


def machine_translations(answer: Answer) -> dict[tuple[int, int], str]:
    """The machine translation of each quote that has one, by (article id, start)."""
    return {
        (quote.article_id, quote.start): text
        for quote, text in zip(answer.quotes, answer.translations, strict=False)
        if text
    }


def answer_record(answer: Answer) -> dict[str, object]:
    """The JSON shape of an answer: quotes grouped by article, and the related reading.

    A quote from an article in another language than the question's carries its
    `machine_translation` into the question's language: a translation, not a quote.
    """
    quotes, related = (answer.quotes, ()) if answer.answered else ((), answer.reading)
    translated = machine_translations(answer)
    return {
        "question": answer.question,
        "language": answer.language,
        "abstained": answer.abstained,
        "coverage": answer.coverage,
        "covered": list(answer.covered),
        "missing": list(answer.missing),
        "searched": answer.searched,
        "sources": [_group_record(group, translated) for group in by_article(quotes, once=False)],
        "related": [_group_record(group, {}) for group in by_article(related, once=False)],
    }


def _group_record(
    quotes: tuple[Quote, ...], translated: dict[tuple[int, int], str]
) -> dict[str, object]:
    """One article and the quotes taken from it, with their offsets into its text."""
    first = quotes[0]
    records: list[dict[str, object]] = []
    for q in quotes:
        record: dict[str, object] = {"quote": q.text, "start": q.start, "end": q.end}
        record["score"] = q.score
        if (q.article_id, q.start) in translated:
            record["machine_translation"] = translated[q.article_id, q.start]
        records.append(record)
    return {
        "article_id": first.article_id,
        "title": first.title,
        "source": first.source,
        "published": first.published,
        "url": first.url,
        "language": first.language,
        "quotes": records,
    }


def answer_json(answer: Answer) -> str:
    """An answer as one line of JSON."""
    return json.dumps(answer_record(answer), ensure_ascii=False)


def citation(quote: Quote) -> str:
    """Title, outlet, date and link of a quote's article, for people."""
    parts = [quote.title, quote.source, (quote.published or "")[:10], quote.url]
    return " · ".join(part for part in parts if part)


def answer_text(
    answer: Answer, read_as: str | None = None, width: int = 88, translations: bool = True
) -> str:
    """An answer for the terminal: each article's quotes under one source line; a quote in
    another language followed by its labelled machine translation (unless `translations` is
    off)."""
    lines = (
        [_("Read as: %(query)s") % {"query": read_as}] if read_as and not answer.searched else []
    )
    if answer.searched:
        lines.append(_("Searched for: %(query)s") % {"query": answer.searched})
    translated = machine_translations(answer) if translations else {}
    if answer.answered:
        blocks = [
            _excerpts(group, width, translated=translated) for group in by_article(answer.quotes)
        ]
    elif answer.coverage == "partial":
        blocks = [missing_statement(answer)]
        if answer.reading:
            blocks.append(_("Related reading, not an answer:"))
            blocks += [_excerpts(g, width, MAX_RELATED) for g in by_article(answer.reading)]
    else:
        blocks = [_(ABSTENTION)]
        if answer.related:
            closest = [f"  - {citation(group[0])}" for group in by_article(answer.related)]
            blocks.append("\n".join([_("Closest articles:"), *closest]))
    return "\n\n".join(["\n".join(lines), *blocks] if lines else blocks)


def _excerpts(
    quotes: tuple[Quote, ...],
    width: int,
    limit: int | None = None,
    translated: dict[tuple[int, int], str] | None = None,
) -> str:
    """One article's quotes, each after a bar (no quotation marks to double), then its source;
    a machine translation follows its quote, labelled, without the bar of a quote."""
    lines = []
    for quote in quotes:
        text = clip(quote.text, limit) if limit else " ".join(quote.text.split())
        lines += textwrap.wrap(text, width, initial_indent="│ ", subsequent_indent="│ ")
        translation = (translated or {}).get((quote.article_id, quote.start))
        if translation:
            label = _("machine translation")
            lines += textwrap.wrap(
                f"({label}: {translation})", width, initial_indent="  ", subsequent_indent="  "
            )
    source = f"— {citation(quotes[0])}"
    lines += textwrap.wrap(
        source, width, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    )
    return "\n".join(lines)


def hit_record(hit: Hit, article: Article) -> dict[str, object]:
    """The JSON shape of a search hit."""
    return {
        "chunk_id": hit.chunk_id,
        "article_id": hit.article_id,
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "url": article.url,
        "score": round(hit.score, 4),
        "bm25": round(hit.bm25, 4),
        "dense": round(hit.dense, 4),
        "start": hit.start,
        "end": hit.end,
        "text": article.text[hit.start : hit.end],
    }
