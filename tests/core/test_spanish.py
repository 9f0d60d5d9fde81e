"""Spanish questions and Spanish articles with the real model and Apertium: quotes stay verbatim
in their article's language, machine translations come labelled apart from them."""

from pathlib import Path

import pytest

from retrieval.core.collection import Collection
from retrieval.core.database import open_target
from retrieval.core.questions import names_and_numbers
from retrieval.core.store import Store
from retrieval.language.translation import Apertium
from retrieval.text.cognates import closest
from retrieval.text.raw import RawArticle

pytestmark = pytest.mark.model

SPANISH = RawArticle(
    title="Desarticulan una red de sextorsión que operaba desde Monterrey",
    text=(
        "La Fiscalía General de la República desarticuló el martes una red de sextorsión que "
        "operaba desde Monterrey. Según el Sr. Pérez, portavoz de la fiscalía, los detenidos "
        "engañaban a menores a través de las redes sociales para obtener fotografías íntimas. "
        "¿Cuántas víctimas hubo? La fiscalía calcula que al menos 40 adolescentes de México y "
        "EE.UU. fueron extorsionados. ¡Es un caso grave!, dijo el portavoz."
    ),
    source="Diario de Ejemplo",
    published="2026-11-20",
    origin="sextorsion.md",
)


@pytest.mark.parametrize(
    ("question", "article", "words"),
    [
        ("¿Quién es Cecilia Malmström?", "EU-US cooperation", "Cecilia Malmström"),
        ("¿Qué dijo la DEA sobre los Zetas?", "DEA report", "Zetas"),
        (
            "¿Cómo usan los cárteles las redes sociales para reclutar jóvenes?",
            "DEA report",
            "recruit",
        ),
        ("¿Cuántos niños fueron rescatados en Europa?", "EU-US cooperation", "8 children"),
    ],
)
def test_spanish_questions_about_english_articles_are_answered_verbatim(
    real_seeded: Collection, apertium: Apertium, question: str, article: str, words: str
) -> None:
    answer = real_seeded.ask(question)
    assert answer.answered and answer.language == "es"
    assert article in answer.quotes[0].title
    assert any(words in quote.text for quote in answer.quotes)
    articles = real_seeded.store.articles(q.article_id for q in answer.quotes)
    for quote, translation in zip(answer.quotes, answer.translations, strict=True):
        assert quote.text == articles[quote.article_id].text[quote.start : quote.end]
        assert translation and translation != quote.text  # a translation, kept apart


def test_an_off_topic_spanish_question_is_not_answered(
    real_seeded: Collection, apertium: Apertium
) -> None:
    assert not real_seeded.ask("¿Cuál es una buena receta de pan de plátano?").answered


def test_a_spanish_article_is_stored_as_spanish_and_found_in_both_languages(
    database_target: str, real_seeded: Collection, apertium: Apertium
) -> None:
    collection = Collection(open_target(database_target), real_seeded.embedder)
    collection.ingest([SPANISH])
    stored = collection.store.article(1)
    assert stored.language == "es"
    sentences = collection.store.rows('SELECT start, "end" FROM sentences ORDER BY ord')
    texts = [stored.text[a:b] for a, b in sentences]
    assert "¿Cuántas víctimas hubo?" in texts and "¡Es un caso grave!, dijo el portavoz." in texts
    assert any(t.startswith("Según el Sr. Pérez, portavoz") for t in texts)
    for question in (
        "¿Cuántos adolescentes fueron extorsionados?",
        "How many teenagers were extorted?",
    ):
        answer = collection.ask(question)
        assert answer.answered, question
        assert "40 adolescentes" in answer.quotes[0].text  # verbatim Spanish
        quote = answer.quotes[0]
        assert quote.text == stored.text[quote.start : quote.end]
    english = collection.ask("How many teenagers were extorted?")
    assert english.translations[0] and "40" in english.translations[0]  # into English
    collection.close()


def test_an_english_how_many_question_quotes_the_spanish_number_in_words(
    tmp_path: Path, real_seeded: Collection, apertium: Apertium
) -> None:
    collection = Collection(Store(tmp_path / "es.db"), real_seeded.embedder)
    raid = RawArticle(
        title="Golpe a una banda de fraude bancario en Valencia",
        text=(
            "Los agentes detuvieron a tres sospechosos en un almacén de Valencia. "
            "La investigación empezó en 2019 tras la denuncia de un banco. "
            "La banda robaba datos de tarjetas con correos falsos."
        ),
        source="Diario de Ejemplo",
        published="2026-11-21",
    )
    collection.ingest([raid])
    answer = collection.ask("How many suspects did the agents arrest in Valencia?")
    assert answer.answered
    assert answer.quotes[0].text.startswith("Los agentes detuvieron a tres sospechosos")
    collection.close()


def test_without_apertium_a_spanish_article_fails_clearly_and_nothing_is_stored(
    tmp_path: Path, real_seeded: Collection
) -> None:
    missing = Apertium(datadir=tmp_path)
    collection = Collection(Store(tmp_path / "none.db"), real_seeded.embedder, translator=missing)
    report = collection.ingest([SPANISH])
    assert report.added == 0
    (failure,) = report.failures
    assert failure.name == "sextorsion.md"
    assert "apt-get install apertium apertium-eng-spa" in failure.reason
    assert collection.summary().articles == 0
    collection.close()


def test_names_and_numbers_are_kept_for_keyword_search() -> None:
    assert names_and_numbers("¿Qué dijo la DEA sobre los Zetas en 2012?") == [
        "DEA",
        "Zetas",
        "2012",
    ]
    assert names_and_numbers("¿Quién es Cecilia Malmström?") == ["Cecilia", "Malmström"]


def test_an_unknown_word_finds_the_collections_spelling() -> None:
    assert closest("hugonot", [("hug", 3), ("huguenot", 6), ("hugo", 1)]) == "huguenot"
    assert closest("tibetano", [("tibet", 9), ("tibetan", 2)]) == "tibetan"
    assert closest("ciudad", [("citizen", 5), ("city", 40)]) is None  # not alike enough
