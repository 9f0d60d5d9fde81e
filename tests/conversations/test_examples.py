"""Example questions made from the stored articles."""

from collections import Counter

import pytest

from retrieval.conversations.examples import candidate_questions, example_questions, phrases
from retrieval.core.collection import Collection
from retrieval.core.models import Article


def article(id: int, title: str, text: str) -> Article:
    """A stored article with the given title and text."""
    return Article(id, title, text, "Outlet", "2020-01-01", None, "en", "h", "now")


def test_phrases_are_names_not_words_opening_sentences() -> None:
    text = (
        "Surely the Zetas know. The Bank of England met the Center for Strategic & International "
        "Studies. Mexico\u2019s police and the Zetas."
    )
    assert phrases(text) == [
        "Zetas",
        "Bank of England",
        "Center for Strategic & International Studies",
        "Zetas",
    ]


def test_candidates_prefer_distinctive_names_in_the_title() -> None:
    first = article(1, "DEA report", "The DEA said the Internet helps. The DEA and the Zetas.")
    second = article(2, "Other", "The Internet is big.")
    frequency: Counter[str] = Counter()
    for a in (first, second):
        frequency.update(set(phrases(a.text)))
    assert candidate_questions(first, frequency, 2)[0] == "What do the articles say about the DEA?"


@pytest.mark.model
def test_examples_are_answered_from_their_articles(real_seeded: Collection) -> None:
    articles = real_seeded.store.newest_articles(20)
    assert [a.published for a in articles] == ["2012-05-03", "2006-06-05", None]
    examples = example_questions(articles, real_seeded.ask)
    assert len(examples) == 2
    for question in examples:
        assert not real_seeded.ask(question).abstained
