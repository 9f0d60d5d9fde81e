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


def candidate_questions(
    article: Article, document_frequency: Counter[str], total: int
) -> list[str]:
    """Questions about an article's most distinctive names, best first."""
    counts = Counter(phrases(article.text))
    title = article.title.lower()
    source = (article.source or "").lower()
    scored = []
    for phrase, count in counts.items():
        if phrase.lower() in source or len(phrase) < 3:
            continue
        rarity = math.log((total + 1) / (document_frequency[phrase] + 0.5))
        boost = 2.0 if phrase.lower() in title else 1.0
        words = min(len(phrase.split()), 3)
        scored.append((math.sqrt(count * words) * rarity**2 * boost, phrase))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [f"What do the articles say about {_with_article(article.text, p)}?" for _, p in scored]


def _with_article(text: str, phrase: str) -> str:
    """The phrase with "the" in front when the articles mostly write it so."""
    uses = re.findall(rf"(\w+)\s+{re.escape(phrase)}\b", text)
    with_the = sum(1 for word in uses if word.lower() == "the")
    return f"the {phrase}" if uses and with_the * 2 >= len(uses) else phrase


def example_questions(
    articles: Sequence[Article], ask: Callable[[str], Answer], n: int = 2, tries: int = 3
) -> list[str]:
    """Up to n questions about different articles, each answered from its own article."""
    frequency: Counter[str] = Counter()
    for article in articles:
        frequency.update(set(phrases(article.text)))
    chosen: list[str] = []
    for article in articles:
        for question in candidate_questions(article, frequency, len(articles))[:tries]:
            answer = ask(question)
            if not answer.abstained and any(q.article_id == article.id for q in answer.quotes):
                chosen.append(question)
                break
        if len(chosen) == n:
            break
    return chosen
