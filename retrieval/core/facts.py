"""Questions asking for a kind of fact (how many, when) and the sentences that state one."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FactKind:
    """A kind of fact a question asks for: the words asking for it, and how to tell it is stated."""

    name: str
    asked: re.Pattern[str]
    stated: re.Pattern[str]


_LEAD = r"^\W*(?:(?:in|on|at|by|for|from|to|since|until|during|of|and|but|so)\s+)?"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|twice|thrice|single|double|"
    "triple|quarter|third|several|few|majority|minority"
)
_TIME_WORDS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mondays?|tuesdays?|wednesdays?|thursdays?|"
    "fridays?|saturdays?|sundays?|centur(?:y|ies)|decades?|ago|yesterday|today|tomorrow|tonight|"
    "mornings?|afternoons?|evenings?|nights?|spring|summer|autumn|winter|weeks?|months?|years?|"
    "era|ages?|period|dynasty|reign|eve"
)
_ASKERS = frozenset({"how", "what", "which"})
_CLAUSE = re.compile(
    r"\W*when\s+(?!(?:did|was|were|is|are|does|do|will|has|had|have|can|could|would|should)\b)"
    r"[^?]*,[^?]*\b(?:what|which|who|whom|whose|where|why|how)\b",
    re.I,
)

# Only kinds that can be told apart reliably: on SQuAD dev, the gold answer states a number for
# 97% of "how many/much" questions and a time for 98% of "what year/date" ones; "who" answers
# are often plain nouns ("the town council"), so "who" is not checked.
KINDS = (
    FactKind(
        "number",
        re.compile(
            r"\bhow (?:many|much|old)\b|\bwhat (?:percentage|percent|proportion|number|amount)\b",
            re.I,
        ),
        re.compile(r"\d|\b(?:" + _NUMBER_WORDS + r")\b", re.I),
    ),
    FactKind(
        "time",
        re.compile(
            _LEAD + r"when\b|\b(?:what|which) (?:year|date|day|month|century|decade)s?\b", re.I
        ),
        re.compile(r"\d|\b(?:" + _TIME_WORDS + r")\b", re.I),
    ),
)


def asked_fact(question: str) -> tuple[FactKind, str] | None:
    """The kind of fact a question asks for, with the words that ask for it, if it can be told.

    "When it rains, what happens?" opens with a clause: the question is the part after it.
    """
    for kind in KINDS:
        match = kind.asked.search(question)
        if match and not _CLAUSE.match(question[match.start() :]):
            return kind, _asking(match)
    return None


def _asking(match: re.Match[str]) -> str:
    """The asking words of a match, without a leading preposition: "how many", "when"."""
    words = match.group().strip(" \t\n\"'¿(").split()
    return " ".join(words[-2:] if len(words) > 1 and words[-2].lower() in _ASKERS else words[-1:])


def states(kind: FactKind, sentence: str) -> bool:
    """Whether a sentence states a fact of this kind (a number, a date), as far as can be told."""
    return bool(kind.stated.search(sentence))
