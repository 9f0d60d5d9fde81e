"""Answers and search hits as plain text and as JSON, for the terminal."""

import json
import textwrap

from retrieval.core.models import Answer, Article, Hit, Quote
from retrieval.language.messages import _


def clip(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def answer_record(answer: Answer) -> dict[str, object]:
    """The JSON shape of an answer; when abstaining, the sources are the closest articles.

    A source quoted from an article in another language than the question's carries the quote's
    `machine_translation` into the question's language: a translation, not a quote.
    """
    quotes = answer.related if answer.abstained else answer.quotes
    translations = () if answer.abstained else answer.translations
    sources: list[dict[str, object]] = []
    for n, q in enumerate(quotes, 1):
        source: dict[str, object] = {
            "n": n,
            "article_id": q.article_id,
            "title": q.title,
            "source": q.source,
            "published": q.published,
            "url": q.url,
            "language": q.language,
            "quote": q.text,
            "start": q.start,
            "end": q.end,
            "score": q.score,
        }
        if n <= len(translations) and translations[n - 1]:
            source["machine_translation"] = translations[n - 1]
        sources.append(source)
    return {
        "question": answer.question,
        "language": answer.language,
        "answer": answer.text,
        "abstained": answer.abstained,
        "coverage": answer.coverage,
        "missing": list(answer.missing),
        "searched": answer.searched,
        "sources": sources,
    }


def answer_json(answer: Answer) -> str:
    """An answer as one line of JSON."""
    return json.dumps(answer_record(answer), ensure_ascii=False)


def citation(quote: Quote) -> str:
    """Title, outlet, date and link of a quote's article, for people."""
    parts = [quote.title, quote.source, (quote.published or "")[:10], quote.url]
    return " · ".join(part for part in parts if part)


def answer_text(answer: Answer, width: int = 88, translations: bool = True) -> str:
    """An answer for the terminal: the quoted sentences, then numbered sources (each quote in
    another language followed by its labelled machine translation, unless `translations` is off).
    """
    if answer.abstained:
        lines = [answer.text]
        if answer.related:
            lines += ["", _("Closest articles:")]
            lines += [f"  - {citation(q)}" for q in answer.related]
        return "\n".join(lines)
    lines = [textwrap.fill(answer.text, width), "", _("Sources:")]
    shown = answer.translations if translations else ()
    for n, quote in enumerate(answer.quotes, 1):
        lines.append(textwrap.fill(f'[{n}] "{quote.text}"', width, subsequent_indent="    "))
        if n <= len(shown) and shown[n - 1]:
            label = _("machine translation")
            lines.append(
                textwrap.fill(
                    f"({label}: {shown[n - 1]})",
                    width,
                    initial_indent="    ",
                    subsequent_indent="    ",
                )
            )
        lines.append(f"    {citation(quote)}")
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
