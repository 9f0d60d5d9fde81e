"""Keyword search reads Spanish articles with the Spanish analyzer, on a real database file."""

from pathlib import Path

import pytest

from retrieval.core.collection import Collection
from retrieval.core.indexes import index_folder
from retrieval.core.store import Store
from retrieval.language.translation import Apertium
from retrieval.text import analysis
from retrieval.text.raw import RawArticle
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder

ARRESTS = RawArticle(
    title="Caen dos redes de fraude en Guadalajara",
    text=(
        "Los policías de la fiscalía de Jalisco arrestaron el martes a once estafadores. "
        "Los detenidos operaban centros de llamadas que vaciaban cuentas bancarias. "
        "Según los policías, los estafadores usaban tarjetas clonadas."
    ),
    source="Diario de Ejemplo",
    published="2026-11-20",
    url="https://diario.example/fraude",
    language="es",
)
FESTIVAL = RawArticle(
    title="El festival de cine de Morelia bate su récord de público",
    text=(
        "El festival de cine de Morelia recibió este año a más de cien mil espectadores. "
        "Las películas mexicanas llenaron las salas durante toda la semana, y la policía "
        "municipal avisó de una estafa con entradas falsas para la gala de clausura."
    ),
    source="Diario de Ejemplo",
    published="2026-11-21",
    url="https://diario.example/festival",
    language="es",
)
ENGLISH = RawArticle(
    title="Police arrest call-centre fraudsters in Leeds",
    text=(
        "Police officers arrested eleven people in Leeds on Tuesday. The arrested men ran call "
        "centres that emptied bank accounts with cloned cards, detectives said."
    ),
    source="Example Wire",
    published="2026-11-20",
    url="https://news.example/leeds",
)


def open_collection(path: Path, apertium: Apertium) -> Collection:
    """A collection on a database file, with the fake embedder and the real Apertium."""
    return Collection(Store(path), FakeEmbedder(), FAKE_ANSWER_CONFIG, apertium)


def titles(collection: Collection, question: str) -> list[str]:
    """The article titles of the keyword search's best hits, best first."""
    hits = collection.search(question, 5, mode="bm25").hits
    return list(dict.fromkeys(collection.store.article(hit.article_id).title for hit in hits))


def test_spanish_words_find_spanish_articles_whatever_their_inflection(
    tmp_path: Path, apertium: Apertium
) -> None:
    collection = open_collection(tmp_path / "es.db", apertium)
    assert collection.ingest([FESTIVAL, ARRESTS, ENGLISH]).added == 3
    assert {a.language for a in collection.store.articles([1, 2, 3]).values()} == {"es", "en"}
    # the article says "arrestaron" and "estafadores": the English stemmer kept them apart
    found = titles(collection, "estafa arrestados")
    assert found[0] == ARRESTS.title
    assert FESTIVAL.title in found  # it mentions "una estafa" once, so it comes after
    assert titles(collection, "policía detenido")[0] == ARRESTS.title
    # the English side is read as before
    assert titles(collection, "police officers arrested")[0] == ENGLISH.title
    assert titles(collection, "arrests by the police")[0] == ENGLISH.title


def test_indexes_saved_with_other_analyzers_are_built_again(
    tmp_path: Path, apertium: Apertium, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "saved.db"
    monkeypatch.delitem(analysis.ANALYZERS, "es")  # Spanish read by the English analyzer
    old = open_collection(path, apertium)
    old.ingest([FESTIVAL, ARRESTS])
    assert (index_folder(path) / "manifest.json").exists()
    assert titles(old, "estafa arrestados") == [FESTIVAL.title]  # Porter: "estafador" apart
    monkeypatch.undo()

    reopened = open_collection(path, apertium)
    assert titles(reopened, "estafa arrestados")[0] == ARRESTS.title
    reopened.ingest([ENGLISH])  # saves the indexes again, with the Spanish analyzer
    assert titles(open_collection(path, apertium), "estafa arrestados")[0] == ARRESTS.title


def test_a_word_apertium_does_not_know_stays_whole_when_spanish_articles_hold_it(
    tmp_path: Path, apertium: Apertium
) -> None:
    collection = open_collection(tmp_path / "cognates.db", apertium)
    sales = RawArticle(
        title="Toyota y Nissan venden más coches en México",
        text="Toyota vendió el año pasado más coches que Nissan en México, según la asociación "
        "de fabricantes. Las ventas de Toyota crecieron un diez por ciento.",
        url="https://diario.example/coches",
        language="es",
    )
    collection.ingest([sales, ENGLISH])
    assert "toyot" in collection.vocabulary()  # the Spanish stem of "Toyota"
    query = collection.reader.read("¿Cuántos coches vendió Toyota en México?")
    # the model reads "Toyota", not the Spanish stem a cognate lookup would put in its place
    assert query.language == "es" and query.meaning and "Toyota" in query.meaning
    assert "toyot " not in query.meaning + " "
