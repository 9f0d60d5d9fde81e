"""Which sentences state something: not the headline repeated in the text, not a heading."""

import re
import unicodedata

from retrieval.text.sentences import Span

_WORD = re.compile(r"[^\W_]+")
_CLOSERS = "\"'\u201d\u2019)]\u00bb"
_ENDINGS = (".", "!", "?", "\u2026")


def quotable(text: str, span: Span, title: str) -> bool:
    """Whether the sentence text[start:end] may be quoted: a statement, not a headline."""
    sentence = text[span[0] : span[1]]
    ends = sentence.rstrip(_CLOSERS).endswith(_ENDINGS)
    if len(sentence.split()) < 5 and not ends:  # a heading such as "InSight Crime Analysis"
        return False
    return not (repeats_title(sentence, title) or (not ends and _first_line(text, span)))


def repeats_title(sentence: str, title: str) -> bool:
    """Whether a sentence is the title, or the title with or without an outlet's name added."""
    said, titled = _words(sentence), _words(title)
    if not said or not titled:
        return False
    shorter, longer = sorted((said, titled), key=len)
    return longer[: len(shorter)] == shorter and (
        len(shorter) == len(longer) or len(shorter) >= max(3, len(longer) // 2)
    )


def _first_line(text: str, span: Span) -> bool:
    """Whether the span is the whole first line of the text, where pages put their headline."""
    start, end = span
    return not text[:start].strip() and not text[end:].partition("\n")[0].strip()


def _words(text: str) -> list[str]:
    """Lower-cased words without accents, for comparing a sentence with a title."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))
