"""The real all-MiniLM-L6-v2 model over the shipped articles: answers, quotes and abstentions."""

import pytest

from retrieval.core.collection import Collection

pytestmark = pytest.mark.model

EXPECTED = {
    "How many children were rescued in Europe?": (
        "In Europe, 8 children between 3 and 10 years old were rescued."
    ),
    "Why do cartels hire hackers?": (
        "In addition to recruiting and tracking personnel, the DEA report said groups like the "
        "Zetas employ “hackers” to find the personal information — addresses, phone numbers, "
        "even financial information — of potential targets for kidnapping and extortion, the "
        "AFP noted."
    ),
    "What will the new EU cybercrime centre do?": (
        "Specific tasks of the cybercrime centre will be to fight organised criminal groups "
        "committing widespread online fraud, and fighting online sexual exploitation of children."
    ),
}

OFF_TOPIC = [
    "What is a good recipe for banana bread?",
    "Who won the football World Cup in 2018?",
    "How do I change a flat bicycle tyre?",
]


def test_answers_quote_the_answering_sentence(real_seeded: Collection) -> None:
    for question, sentence in EXPECTED.items():
        answer = real_seeded.ask(question)
        assert not answer.abstained, question
        assert sentence in [quote.text for quote in answer.quotes[:2]], question


def test_off_topic_questions_abstain(real_seeded: Collection) -> None:
    for question in OFF_TOPIC:
        answer = real_seeded.ask(question)
        assert answer.abstained, (question, answer.quotes)


def test_quotes_are_exact_substrings_for_many_questions(real_seeded: Collection) -> None:
    articles = real_seeded.store.articles([1, 2, 3])
    questions = [sentence.split(",")[0] + "?" for sentence in EXPECTED.values()] + [
        "internet crime",
        "Mexico United States cooperation",
        "child pornography",
        "DEA report",
        "Cancun conference",
        "Colombia police chief",
        "narco-mantas",
        "privacy and free speech",
        "What did Naranjo say?",
        "Who organised the Washington conference?",
        *OFF_TOPIC,
    ]
    for question in questions:
        answer = real_seeded.ask(question)
        for quote in answer.quotes + answer.related:
            assert articles[quote.article_id].text[quote.start : quote.end] == quote.text
