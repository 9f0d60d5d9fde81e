"""Short follow-ups ("and in Europe?") read in the context of the previous question."""

import re

from retrieval.text.query import terms

MAX_FOLLOWUP_WORDS = 6
MAX_QUERY_CHARS = 1000

_OPENERS = re.compile(
    r"^(?:and|but|or|also|so|then|what about|how about|what of|and what about|and how about"
    r"|same for|same question for)\b[\s,]*",
    re.IGNORECASE,
)
_REFERRING = frozenset(
    {"it", "its", "they", "them", "their", "theirs", "those", "these", "that", "this", "there"}
    | {"he", "him", "his", "she", "her"}
)
_WORD = re.compile(r"[^\W_]+")


def looks_like_followup(text: str, replying: bool = False) -> bool:
    """Whether a message needs the previous question: short and referring, or a short reply."""
    words = _WORD.findall(text.lower())
    if not words:
        return False
    short = len(words) <= MAX_FOLLOWUP_WORDS
    referring = bool(_OPENERS.match(text.strip())) or any(w in _REFERRING for w in words)
    return (short or referring) if replying else (short and referring)


def resolve(previous: str, followup: str) -> str:
    """A self-contained query: the previous question extended by the follow-up's own words."""
    rest = _OPENERS.sub("", followup.strip()).strip().rstrip("?!. ")
    if not terms(rest):
        return previous
    base = previous.strip().rstrip("?!. ")
    query = f"{base} {rest}?"
    if len(query) > MAX_QUERY_CHARS:
        query = query[-MAX_QUERY_CHARS:].split(" ", 1)[-1]
    return query
