"""Search and quoted answers over the shipped articles, with the fake embedder, on SQLite and
on PostgreSQL (pgvector's dense search, the same keyword index)."""

import pytest

from retrieval.core.answer import EmptyQuestion
from retrieval.core.collection import Collection
from retrieval.core.database import Database
from retrieval.core.store import Filters
from retrieval.text.documents import RawArticle, from_html, from_record
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder

QUESTIONS = [
    "How do drug cartels use social networks?",
    "What did Malmström say about EU-US cooperation?",
    "Which children were rescued in Europe?",
    "What is Operation Predator?",
    "Who attended the conference in Cancun?",
    "What will the EU Cybercrime Centre EC3 fight?",
    "hackers stealing personal information",
    "Zetas blog Nuevo Laredo murder",
    "internet chat-room infant sale Dallas reporter",
    "child abuse images market expansion",
]


@pytest.fixture
def collection(database: Database, fake_embedder: FakeEmbedder) -> Collection:
    """An empty collection with the fake embedder, once in each backend."""
    return Collection(database, fake_embedder, FAKE_ANSWER_CONFIG)


def test_every_quote_is_an_exact_substring_of_its_article(seeded: Collection) -> None:
    for question in QUESTIONS:
        answer = seeded.ask(question)
        assert not answer.abstained, question
        assert 1 <= len(answer.quotes) <= 3
        for quote in answer.quotes:
            article = seeded.store.article(quote.article_id)
            assert article.text[quote.start : quote.end] == quote.text
            assert quote.title == article.title and quote.source == article.source


def test_answer_quotes_the_sentence_that_answers(seeded: Collection) -> None:
    answer = seeded.ask("How many children between 3 and 10 years old were rescued in Europe?")
    assert answer.quotes[0].text == "In Europe, 8 children between 3 and 10 years old were rescued."
    assert answer.quotes[0].source == "European Commission, Home Affairs"
    assert answer.text.startswith(
        "In Europe, 8 children between 3 and 10 years old were rescued. [1]"
    )


def test_off_topic_question_abstains(seeded: Collection) -> None:
    answer = seeded.ask("Recipe for banana bread with walnuts")
    assert answer.abstained and answer.quotes == ()
    assert answer.text == "The stored articles don't cover this question."


def test_empty_question_is_refused(seeded: Collection) -> None:
    for question in ("", "   ", "?!", "\n"):
        with pytest.raises(EmptyQuestion):
            seeded.ask(question)


def test_question_longer_than_the_window_is_still_answered(seeded: Collection) -> None:
    filler = "Please tell me everything you can about this topic in detail. " * 170
    question = filler + "What did the Zetas do to a contributor to a security blog in Nuevo Laredo?"
    assert len(question) > 10_000
    answer = seeded.ask(question)
    assert not answer.abstained
    assert any("Zetas were able to track down" in quote.text for quote in answer.quotes)


def test_query_syntax_in_questions_is_harmless(seeded: Collection) -> None:
    for question in ['cartels" OR 1=1; --', "NEAR(zetas, hackers)", "col:* ^spy", "<b>EC3</b>"]:
        result = seeded.search(question, k=3)
        assert result.hits, question


def test_filters_restrict_by_date_and_outlet(seeded: Collection) -> None:
    question = "cybercrime cooperation"
    outlets = {
        h.article_id for h in seeded.search(question, 5, Filters(source="insight crime")).hits
    }
    assert {seeded.store.article(a).source for a in outlets} == {"InSight Crime"}
    old = seeded.search(question, 5, Filters(published_before="2007-01-01")).hits
    assert {seeded.store.article(h.article_id).published for h in old} == {"2006-06-05"}
    window = Filters(published_from="2012-05-03", published_before="2012-05-04")
    in_window = seeded.search(question, 5, window).hits
    assert {seeded.store.article(h.article_id).source for h in in_window} == {
        "European Commission, Home Affairs"
    }
    answer = seeded.ask("What did Malmström say?", Filters(source="InSight Crime"))
    assert all(q.source == "InSight Crime" for q in answer.quotes + answer.related)


def test_search_modes_rank_the_obvious_article_first(seeded: Collection) -> None:
    for mode in ("bm25", "dense", "hybrid"):
        hits = seeded.search("Malmström EU Cybercrime Centre EC3", 3, mode=mode).hits
        assert (
            seeded.store.article(hits[0].article_id).source == "European Commission, Home Affairs"
        )


def test_new_articles_are_searchable_at_once(seeded: Collection) -> None:
    assert seeded.ask("ransomware attack on the Lisbon hospital").abstained
    seeded.ingest(
        [
            RawArticle(
                title="Hospital hit",
                text="A ransomware attack hit the Lisbon "
                "hospital on Monday. Surgeries were postponed.",
                source="Daily",
            )
        ]
    )
    answer = seeded.ask("ransomware attack on the Lisbon hospital")
    assert not answer.abstained and answer.quotes[0].source == "Daily"


PAGE = """<html><head><title>Ransomware gang shuts down hospital systems | Example Wire</title>
</head><body><article><h1>Ransomware gang shuts down hospital systems</h1>
<p>A ransomware attack shut down computer systems at eleven hospitals across three regions on
Monday, officials said.</p><p>Police said the gang had attacked other hospitals and health
services in the past year, and asked for money each time.</p></article></body></html>"""


def test_headlines_are_never_quoted_wherever_the_article_came_from(collection: Collection) -> None:
    assert_headlines_never_quoted(collection)


def assert_headlines_never_quoted(collection: Collection) -> None:
    """A web page and a feed item repeating their headline: it is never among the quotes."""
    page = from_html(PAGE, "page.html", "https://example.org/ransomware")
    record = from_record(
        {
            "title": "Police seize servers in Rotterdam",
            "text": "<p>Police seize servers in Rotterdam</p><p>Dutch police seized forty "
            "servers in Rotterdam on Tuesday.</p><p>The servers hosted a market for stolen "
            "passwords, police said.</p>",
            "url": "https://example.org/servers",
        },
        "feed item",
    )
    assert isinstance(record, RawArticle) and page.text.startswith(page.title)
    assert record.text.startswith(record.title)
    collection.ingest([page, record])
    headlines = {page.title, record.title}
    for question in (
        "Ransomware gang shuts down hospital systems",
        "Which ransomware gang shut down hospital systems?",
        "Police seize servers in Rotterdam",
        "What did police seize in Rotterdam?",
    ):
        answer = collection.ask(question)
        shown = [quote.text for quote in answer.quotes + answer.related]
        assert shown, question
        assert not headlines & set(shown), question
