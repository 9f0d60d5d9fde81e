"""The real model over the shipped articles: answers honest about what the articles don't say,
on SQLite and on PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.facts import asked_fact, states
from retrieval.core.postgres import PostgresStore
from retrieval.core.store import Store
from tests.conftest import shipped_articles
from tests.core.test_answer import assert_headlines_never_quoted

pytestmark = pytest.mark.model


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def real_collection(
    request: pytest.FixtureRequest, real_embedder: Embedder
) -> Iterator[Collection]:
    """The shipped articles embedded with the real model, once in each backend."""
    if request.param == "sqlite":
        yield request.getfixturevalue("real_seeded")
        return
    with request.getfixturevalue("postgres_databases").fresh() as url:
        store = PostgresStore(url)
        collection = Collection(store, real_embedder)
        collection.ingest(shipped_articles())
        yield collection
        store.close()


def test_a_question_whose_central_word_no_article_mentions_is_not_answered(
    real_collection: Collection,
) -> None:
    answer = real_collection.ask("What did the DEA say about bitcoin?")
    assert answer.abstained and answer.quotes == ()
    assert answer.coverage == "partial"
    assert answer.covered == ("DEA",) and answer.missing == ("bitcoin",)
    assert answer.related and all("DEA" in quote.text for quote in answer.related)


def test_a_question_about_crypto_money_laundering_gets_the_dea_as_related_reading_only(
    real_collection: Collection,
) -> None:
    answer = real_collection.ask(
        "What did the DEA report say about cryptocurrency money laundering?"
    )
    assert answer.abstained and answer.coverage == "partial"
    assert "cryptocurrency" in answer.missing and "DEA" in answer.covered


def test_questions_the_articles_answer_are_answered_in_full(real_collection: Collection) -> None:
    for question in (
        "How do drug cartels use social networks?",
        "What did Malmström say about EU-US cooperation?",
        "Who attended the conference in Cancun?",
        "What will the EU Cybercrime Centre EC3 fight?",
    ):
        answer = real_collection.ask(question)
        assert not answer.abstained and answer.coverage == "full", (question, answer)
        assert answer.missing == ()


def test_a_question_far_from_every_article_has_no_coverage(real_collection: Collection) -> None:
    answer = real_collection.ask("What is the current price of Bitcoin?")
    assert answer.abstained and answer.coverage == "none" and answer.covered == ()


def test_a_typo_is_searched_as_the_nearest_word_the_articles_use(
    real_collection: Collection,
) -> None:
    answer = real_collection.ask("operation predatr")
    assert answer.searched == "operation predator"
    assert not answer.abstained
    assert "Operation Predator" in answer.quotes[0].text
    assert real_collection.ask("What is Operation Predator?").searched is None


def test_a_question_asking_how_many_is_answered_by_sentences_with_numbers(
    real_collection: Collection,
) -> None:
    question = "How many children were rescued in Europe?"
    answer = real_collection.ask(question)
    assert answer.quotes[0].text == "In Europe, 8 children between 3 and 10 years old were rescued."
    number = asked_fact(question)
    assert number is not None
    assert all(states(number[0], quote.text) for quote in answer.quotes)


def test_more_sources_stop_when_the_next_quotes_no_longer_answer(
    real_collection: Collection,
) -> None:
    assistant = Assistant(real_collection)
    reply = assistant.ask(1, 2, "How many children were rescued in Europe?")
    pages = []
    for _ in range(5):
        page = assistant.more(reply.answer_id, chat_id=1)
        assert page is not None
        pages.append(page)
        if page.last:
            break
    assert pages[-1].last, "more sources never ran out"
    later = [quote.text for page in pages for quote in page.quotes]
    # the conference's organisers and speakers do not say how many children were rescued
    assert not any("organised" in text or "speakers" in text for text in later), later
    assert assistant.more(reply.answer_id, chat_id=1).quotes == ()


def test_a_headline_repeated_in_the_text_is_never_quoted(
    real_embedder: Embedder, tmp_path: Path
) -> None:
    store = Store(tmp_path / "headlines.db")
    collection = Collection(store, real_embedder)
    collection.ingest(shipped_articles())
    assert_headlines_never_quoted(collection)
    store.close()
