"""Section headings: the most distinctive phrase that the stories' titles share, as written."""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.text.query import STOP_WORDS, stems

MAX_WORDS = 3
OTHERS = "Other stories"

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")
_NUMBER = re.compile(r"^[\d.,'\u2019-]+$")
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)

# Words that never make a heading: when, reporting verbs and news-desk filler.
TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tomorrow tonight
    morning afternoon evening night day days week weeks weekend month months year years yearly
    daily weekly monthly annual hour hours minute minutes ago recent recently now""".split()  # noqa: SIM905
)
GENERIC_WORDS = frozenset(
    """says say said saying tells tell told reports report reported reporting according
    announces announced claims claimed new news latest update updates breaking live video videos
    photo photos watch read analysis opinion editorial exclusive interview comment statement
    first last next top big more most less many much one two three four five six seven eight
    nine ten several dozen hundreds thousands million millions billion billions per cent percent
    amid despite also just still yet back away off way ways time times part parts thing things
    people man men woman women group groups number lot lots case cases issue issues story
    stories world global national local international government officials official public
    could would should may might must can will shall get gets got make makes made take takes
    took set sets go goes went come comes came see sees saw give gives gave put puts call calls
    called help helps face faces faced plan plans hit hits win wins won lose loses lost warn
    warns warned urge urges urged seek seeks sought vow vows back backs backed reveal reveals
    revealed unveil unveils unveiled launch launches launched push pushes move moves look looks
    show shows shown need needs want wants like likely hope hopes hoped""".split()  # noqa: SIM905
)
NEVER = TIME_WORDS | GENERIC_WORDS | STOP_WORDS


@dataclass(frozen=True)
class Phrase:
    """A run of words of a title: its stems (to compare) and its words as the title wrote them."""

    key: tuple[str, ...]
    words: tuple[str, ...]


@lru_cache(maxsize=1 << 16)  # a window's titles come back in every briefing over it
def phrases(title: str) -> tuple[Phrase, ...]:
    """Every phrase of up to MAX_WORDS heading-worthy words standing together in a title."""
    runs: list[list[str]] = [[]]
    for written in _TOKEN.findall(title):
        token = _POSSESSIVE.sub("", written)
        bare = token.lower().strip("'\u2019.-")
        if bare in NEVER or _NUMBER.match(bare) or len(bare) < 2 or _verb_form(bare):
            runs.append([])
        else:
            runs[-1].append(token)
    found: dict[tuple[str, ...], Phrase] = {}
    for run in runs:
        keys = [" ".join(stems(word)) for word in run]
        for start in range(len(run)):
            for size in range(1, min(MAX_WORDS, len(run) - start) + 1):
                key = tuple(keys[start : start + size])
                found.setdefault(key, Phrase(key, tuple(run[start : start + size])))
    return tuple(found.values())


def _verb_form(word: str) -> bool:
    """A past tense or participle ("arrested", "charged"): headlines' verbs, never a topic."""
    return len(word) > 4 and word.endswith("ed") and not word.endswith(("eed", "ied"))


def background(titles: Iterable[str]) -> Counter[tuple[str, ...]]:
    """In how many titles each phrase occurs: how common a phrase is in this window's news."""
    return Counter(phrase.key for title in titles for phrase in phrases(title))


def heading(
    titles: Sequence[str], texts: Sequence[str], common: Counter[tuple[str, ...]], total: int
) -> str | None:
    """The phrase a section's stories share that other news uses least, as a title wrote it.

    A phrase comes from a title and is shared when another story's title holds it too, or its
    text repeats it. Its support counts 3 for each title and 1 for each text repeating it
    (topics recur in a text, a headline's verb seldom does). The best has the most support
    times its rarity among the window's other titles (`common` counts phrases over `total`
    titles): longer shared phrases are rarer, so they win over their words; ties go to the
    longer, then the first written. None when the stories share no phrase.
    """
    keys = [{phrase.key: phrase for phrase in phrases(title)} for title in titles]
    bodies = [f" {' '.join(stems(text))} " for text in texts]
    order = list(dict.fromkeys(key for found in keys for key in found))  # as first written
    support: Counter[tuple[str, ...]] = Counter()
    holders: Counter[tuple[str, ...]] = Counter()
    for n, own in enumerate(keys):
        for key in order:  # a text shares a phrase it repeats, not one it mentions in passing
            in_body = n < len(bodies) and bodies[n].count(f" {' '.join(key)} ") >= 2
            support[key] += 3 * (key in own) + in_body
            holders[key] += key in own or in_body
    shared = [key for key in order if holders[key] >= 2]
    if not shared:
        return None

    def score(key: tuple[str, ...]) -> tuple[float, int]:
        elsewhere = max(common.get(key, 0) - sum(key in own for own in keys), 0)
        rarity = math.log((1 + total) / (1 + elsewhere)) + 1.0
        return round(support[key] * rarity, 9), len(key)

    best = max(shared, key=score)  # ties: the first written
    words = " ".join(next(found[best] for found in keys if best in found).words)
    return words[:1].upper() + words[1:]
