"""Example questions for newcomers, made from the stored articles and checked to be answerable."""

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from retrieval.core.models import Answer, Article
from retrieval.text.query import STOP_WORDS

_APOSTROPHES = "'\u2019"
_TOKEN = re.compile(rf"[A-Za-zÀ-ÿ][\w{_APOSTROPHES}.-]*[\w]|[A-Za-zÀ-ÿ]|[.!?;:,()&\"“”]|\n")
_CONNECTORS = frozenset({"of", "for", "de", "&"})
_SENTENCE_END = frozenset({".", "!", "?", "\n", ":", "“", '"'})


def phrases(text: str) -> list[str]:
    """Runs of capitalised words (names, organisations, places), in order of appearance."""
    found: list[str] = []
    run: list[str] = []
    previous = "\n"
    for token in [*_TOKEN.findall(text), "\n"]:
        if token[0].isupper() and token[0].isalpha():
            if not run and previous in _SENTENCE_END and token.lower() in STOP_WORDS:
                previous = token
                continue
            run.append(re.sub(rf"[{_APOSTROPHES}]s$", "", token.rstrip(".")))
        elif run and token in _CONNECTORS and previous[0].isupper():  # "Bank of England"
            run.append(token)
        else:
            while run and run[-1] in _CONNECTORS:
                run.pop()
            if run and not (len(run) == 1 and _at_sentence_start(text, run[0])):
                found.append(" ".join(run))
            run = []
        previous = token
    return found


def _at_sentence_start(text: str, word: str) -> bool:
    """Whether a word only ever appears capitalised at the start of a sentence."""
    inside = re.search(rf"[^\s.!?\"“]\s+{re.escape(word)}\b", text)
    return inside is None


_TITLES = frozenset(
    """general commissioner minister secretary deputy president ambassador director chief
    mr mrs ms dr prof federal""".split()  # noqa: SIM905
)
_SAID = r"(?:said|says|told|noted|added|warned|explained)"
_INSTITUTIONS = frozenset(
    """centre center agency administration commission office bureau department ministry
    police service unit force court council""".split()  # noqa: SIM905
)
_LANGUAGES = frozenset(
    "English Spanish French German Portuguese Italian Dutch Russian Chinese Arabic".split()  # noqa: SIM905
)


def question_about(article: Article, phrase: str) -> tuple[int, str] | None:
    """A question a person would ask about a name, by how the article uses it, and its rank.

    People who said something come first, then operations, groups, places and institutions;
    None when the article uses the name in none of these ways.
    """
    text, name = article.text, re.escape(phrase)
    words = phrase.split()
    if re.search(rf"\b{name},?\s+{_SAID}\b|\b(?:said|says)\s+{name}\b", text):
        person = " ".join([w for w in words if w.lower() not in _TITLES] or words)
        return 0, f"What did {_with_article(text, person)} say?"
    if words[0] == "Operation" and len(words) > 1:
        return 1, f"What is {phrase}?"
    before = [word.lower() for word in re.findall(rf"(\w+)\s+{name}\b", text)]
    of_the = re.search(rf"\bof the {name}\b", text)  # "Summit of the Americas"
    if len(words) == 1 and phrase.endswith("s") and not of_the and before.count("the") > 0:
        return 2, f"Who are the {phrase}?"
    located = sum(word in {"in", "at"} for word in before)
    if before and located * 2 >= len(before) and phrase not in _LANGUAGES:
        return 3, f"What happened in {phrase}?"
    if len(words) > 1 and words[-1].lower() in _INSTITUTIONS:
        return 4, f"What does the {phrase} do?"
    return None


def candidate_questions(
    article: Article, document_frequency: Counter[str], total: int
) -> list[str]:
    """Questions about an article's most distinctive names, phrased as a person would ask."""
    counts = Counter(phrases(article.text))
    source = (article.source or "").lower()
    scored = []
    for phrase, count in counts.items():
        if phrase.lower() in source or len(phrase) < 3:
            continue
        question = question_about(article, phrase)
        if question is None:
            continue
        rarity = math.log((total + 1) / (document_frequency[phrase] + 0.5))
        boost = 2.0 if phrase.lower() in article.title.lower() else 1.0
        words = min(len(phrase.split()), 3)
        rank, text = question
        scored.append((rank, -math.sqrt(count * words) * rarity**2 * boost, text))
    scored.sort()
    return list(dict.fromkeys(text for _, _, text in scored))


def _with_article(text: str, phrase: str) -> str:
    """The phrase with "the" in front when the articles mostly write it so."""
    uses = re.findall(rf"(\w+)\s+{re.escape(phrase)}\b", text)
    with_the = sum(1 for word in uses if word.lower() == "the")
    return f"the {phrase}" if uses and with_the * 2 >= len(uses) else phrase


def example_questions(
    articles: Sequence[Article], ask: Callable[[str], Answer], n: int = 2, tries: int = 3
) -> list[str]:
    """Up to n questions about different articles, each answered first from its own article."""
    frequency: Counter[str] = Counter()
    for article in articles:
        frequency.update(set(phrases(article.text)))
    chosen: list[str] = []
    for article in articles:
        for question in candidate_questions(article, frequency, len(articles))[:tries]:
            answer = ask(question)
            if answer.answered and answer.quotes[0].article_id == article.id:
                chosen.append(question)
                break
        if len(chosen) == n:
            break
    return chosen
