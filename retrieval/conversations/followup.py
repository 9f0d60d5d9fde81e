"""Follow-ups ("and in Europe?", "what about the Zetas?") read as whole questions.

A follow-up's own words replace the part of the previous question they stand for: a place for a
place, a name for a name, a question word for a question word. Which part is decided by meaning
(the embedding model compares the follow-up's phrase with each phrase of the question); when no
part is close enough, the follow-up's phrase is added to the question instead.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.conversations.phrases import (
    AUXILIARIES,
    DETERMINERS,
    HOW_WHAT,
    PREPOSITIONS,
    QUESTION_WORDS,
    REFERRING,
    Phrase,
    candidates,
    prepositions,
    question_phrase,
    tokens,
)
from retrieval.text.query import terms

MAX_FOLLOWUP_WORDS = 6
MAX_QUERY_CHARS = 1000
MAX_SWAP_CHARS = 400  # a longer "question" is pasted text: a follow-up is added to it

Embed = Callable[[Sequence[str]], np.ndarray]

_OPENERS = re.compile(
    r"^(?:and what about|and how about|what about|how about|what of|same for|same question for"
    r"|and|but|or|also|so|then)\b[\s,]*",
    re.IGNORECASE,
)
_END = "?!. "


@dataclass(frozen=True)
class Weights:
    """How a follow-up's phrase is matched to a part of the question (cosine plus cues)."""

    replace: float = 0.3  # the least score at which a part is replaced rather than added to
    same_preposition: float = 0.1  # "about X" most likely stands for "about Y"
    name: float = 0.1  # a name most likely stands for a name
    leading: float = 0.05  # the question's first noun phrase, usually what it is about
    longer_within: float = 0.025  # a longer phrase this close is replaced whole
    lone_preposition: float = 0.4  # "and after?" swaps "before" when at least this close


def _rest(text: str) -> str:
    """The follow-up without its opener ("and", "what about") and end punctuation."""
    rest = text.strip()
    while (stripped := _OPENERS.sub("", rest, count=1)) != rest:
        rest = stripped
    return rest.strip().rstrip(_END)


def is_full_question(text: str) -> bool:
    """Whether a message asks on its own: question word or verb first, own words, no pronoun."""
    if text.strip().lower().startswith(("what about", "how about", "what of")):
        return False
    rest = _rest(text)
    words = [token.lower for token in tokens(rest)]
    opens = bool(words) and (
        words[0] in QUESTION_WORDS | AUXILIARIES
        or (words[0] in PREPOSITIONS and len(words) > 1 and words[1] in QUESTION_WORDS)
    )
    asks = [word for word in terms(rest) if word not in QUESTION_WORDS | HOW_WHAT]
    return opens and bool(asks) and not REFERRING & set(words)


def looks_like_followup(text: str, replying: bool = False) -> bool:
    """Whether a message needs the previous question: short and elliptical, or a reply."""
    words = [token.lower for token in tokens(text)]
    if not words or is_full_question(text):
        return False
    short = len(words) <= MAX_FOLLOWUP_WORDS
    elliptical = (
        bool(_OPENERS.match(text.strip()))
        or bool(REFERRING & set(words))
        or words[0] in PREPOSITIONS
        or set(words) <= QUESTION_WORDS | HOW_WHAT
    )
    return (short or elliptical) if replying else (short and elliptical)


class FollowUps:
    """Reads follow-ups against the previous question, comparing phrases by meaning."""

    def __init__(self, embed: Embed, weights: Weights = Weights()) -> None:
        self.embed = embed
        self.weights = weights

    def resolve(self, previous: str, followup: str) -> str:
        """A self-contained query: the previous question with the follow-up's words swapped in."""
        if is_full_question(followup):
            return followup.strip()
        rest = _rest(followup)
        words = [token.lower for token in tokens(rest)]
        if not words:
            return previous
        if _only_question_phrase(rest):
            return _bounded(_swap_question_word(previous, rest))
        if len(words) == 1 and words[0] in PREPOSITIONS:
            return _bounded(self._swap_preposition(previous, rest) or previous)
        if not terms(rest):
            return previous
        if REFERRING & set(words) or len(previous) > MAX_SWAP_CHARS:
            return _bounded(_append(previous, rest))
        kind = "preposition" if words[0] in PREPOSITIONS else "noun"
        options = [p for p in candidates(previous) if p.kind == kind]
        chosen = self._closest(rest, options)
        if chosen is None:
            return _bounded(_append(previous, rest))
        return _bounded(_replace(previous, chosen, rest))

    def _closest(self, rest: str, options: list[Phrase]) -> Phrase | None:
        """The part of the question the follow-up's phrase stands for, if one is close enough."""
        core = _core(rest)
        options = [p for p in options if _adds_something(core, p.core)]
        if not options:
            return None
        vectors = self.embed([core, *(p.core for p in options)])
        weights = self.weights
        preposition = tokens(rest)[0].lower
        scores = []
        for phrase, similarity in zip(options, vectors[1:] @ vectors[0], strict=True):
            score = float(similarity)
            score += weights.name if core[:1].isupper() and phrase.core[:1].isupper() else 0.0
            score += weights.leading if phrase.leading else 0.0
            if phrase.kind == "preposition" and phrase.text.lower().startswith(preposition + " "):
                score += weights.same_preposition
            scores.append(score)
        best = int(np.argmax(scores))
        if scores[best] < weights.replace:
            return None
        chosen = options[best]
        longer = [  # "Mexican drug cartels" rather than "Mexican drug"
            p
            for p, score in zip(options, scores, strict=True)
            if p.start <= chosen.start
            and p.end >= chosen.end
            and score >= scores[best] - weights.longer_within
        ]
        return max(longer, key=lambda p: p.end - p.start)

    def _swap_preposition(self, previous: str, preposition: str) -> str | None:
        """The previous question with its closest preposition swapped ("before" for "after")."""
        options = [p for p in prepositions(previous) if p.core != preposition.lower()]
        if not options:
            return None
        vectors = self.embed([preposition.lower(), *(p.core for p in options)])
        scores = vectors[1:] @ vectors[0]
        best = int(np.argmax(scores))
        if float(scores[best]) < self.weights.lone_preposition:
            return None
        chosen = options[best]
        return previous[: chosen.start] + preposition.lower() + previous[chosen.end :]


def _adds_something(core: str, phrase: str) -> bool:
    """Whether replacing the phrase by the follow-up's changes it, rather than extending it.

    "Mongke Khan" may replace "Genghis Khan" but not "Khan" alone (giving "Genghis Mongke Khan").
    """
    ours = {t.lower for t in tokens(core)}
    theirs = {t.lower for t in tokens(phrase)}
    return not theirs < ours


def _replace(previous: str, phrase: Phrase, rest: str) -> str:
    """The previous question with a phrase replaced by the follow-up's words.

    The follow-up's article goes when the phrase follows a question word or another word of its
    noun phrase ("Which NFL team" becomes "Which NFC team", not "Which the NFC team").
    """
    before = tokens(previous[: phrase.start])
    if phrase.kind == "noun" and before and tokens(phrase.text)[0].lower not in DETERMINERS:
        word = before[-1]
        if word.content or word.lower in QUESTION_WORDS | DETERMINERS | HOW_WHAT:
            rest = _core(rest)
    return previous[: phrase.start] + rest + previous[phrase.end :]


def _core(rest: str) -> str:
    """The follow-up's phrase without its preposition and articles: what it is about."""
    words = tokens(rest)
    n = 0
    while n < len(words) - 1 and (words[n].lower in PREPOSITIONS | DETERMINERS):
        n += 1
    return rest[words[n].start :] if words else rest


def _only_question_phrase(rest: str) -> bool:
    """Whether the follow-up is just a question word or phrase ("where", "how many")."""
    phrase = question_phrase(rest)
    return phrase is not None and phrase.start == 0 and phrase.end == len(rest)


def _swap_question_word(previous: str, rest: str) -> str:
    """The previous question asking for something else: "when" for "where"."""
    phrase = question_phrase(previous)
    if phrase is None or phrase.start > 0:  # "In what year…" has no word to swap for "where"
        return _append(previous, rest)
    return rest[0].upper() + rest[1:] + previous[phrase.end :]


def _append(previous: str, rest: str) -> str:
    """The previous question with the follow-up's words added at its end."""
    return f"{previous.strip().rstrip(_END)} {rest}?"


def _bounded(query: str) -> str:
    """The query cut to MAX_QUERY_CHARS, keeping its end (where follow-ups add words)."""
    if len(query) > MAX_QUERY_CHARS:
        query = query[-MAX_QUERY_CHARS:].split(" ", 1)[-1]
    return query
