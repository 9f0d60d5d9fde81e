"""Example questions made from the stored articles."""

from collections import Counter

import pytest

from retrieval.conversations.examples import (
    candidate_questions,
    example_questions,
    phrases,
    question_about,
)
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


def test_candidates_are_questions_a_person_would_ask() -> None:
    first = article(1, "DEA report", "The DEA said the Internet helps. The DEA and the Zetas.")
    second = article(2, "Other", "The Internet is big.")
    frequency: Counter[str] = Counter()
    for a in (first, second):
        frequency.update(set(phrases(a.text)))
    assert candidate_questions(first, frequency, 2) == [
        "What did the DEA say?",
        "Who are the Zetas?",
    ]


@pytest.mark.parametrize(
    ("text", "name", "question"),
    [
        (
            "“It works,” Commissioner Cecilia Malmström said.",
            "Commissioner Cecilia Malmström",
            "What did Cecilia Malmström say?",
        ),
        (
            "The program “Operation Predator” rescues victims.",
            "Operation Predator",
            "What is Operation Predator?",
        ),
        ("Groups like the Zetas employ hackers.", "Zetas", "Who are the Zetas?"),
        ("The Summit of the Americas agreed.", "Americas", None),
        ("A conference took place in Cancun.", "Cancun", "What happened in Cancun?"),
        ("They are called hackers in English.", "English", None),
        (
            "The recently announced EU Cybercrime Centre will fight fraud.",
            "EU Cybercrime Centre",
            "What does the EU Cybercrime Centre do?",
        ),
    ],
)
def test_a_name_is_asked_about_as_the_article_uses_it(
    text: str, name: str, question: str | None
) -> None:
    found = question_about(article(1, "t", text), name)
    assert (found[1] if found else None) == question


@pytest.mark.model
def test_examples_are_answered_from_their_articles(real_seeded: Collection) -> None:
    articles = real_seeded.store.newest_articles(20)
    assert [a.published for a in articles] == ["2012-05-03", "2006-06-05", None]
    examples = example_questions(articles, real_seeded.ask)
    assert examples == ["What did Malmström say?", "What is Operation Predator?"]
    for question, source in zip(examples, articles, strict=False):
        answer = real_seeded.ask(question)
        assert answer.answered and answer.quotes[0].article_id == source.id
