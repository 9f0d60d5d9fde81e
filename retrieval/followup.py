"""Short follow-ups ("and in Europe?") read in the context of the previous question."""

import re

from retrieval.query import terms

MAX_FOLLOWUP_WORDS = 6
MAX_QUERY_CHARS = 1000

_OPENERS = re.compile(
    r"^(?:and|but|or|also|so|then|what about|how about|what of|and what about|and how about"
    r"|same for|same question for)\b[\s,]*",
    re.IGNORECASE,
)
_REFERRING = frozenset(
    ["it", "its", "they", "them", "their", "theirs", "those", "these", "that", "this", "there", "he", "him", "his", "she", "her"]
)
_WORD = re.compile(r"[^\W_]+")


def looks_like_followup(text: str) -> bool:
    """Whether a message is too short or too referring to stand on its own as a question."""
    words = _WORD.findall(text.lower())
    if not words or len(words) > MAX_FOLLOWUP_WORDS:
        return False
    return bool(_OPENERS.match(text.strip())) or any(word in _REFERRING for word in words)


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
