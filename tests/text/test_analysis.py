"""Analyzers: English read as FTS5's porter tokenizer read it; one analyzer per language."""

import pytest

from retrieval.text import analysis
from retrieval.text.analysis import (
    Analysed,
    StemmingAnalyzer,
    analyzer_for,
    analyzers_signature,
    query_terms,
)
from retrieval.text.query import stems


def test_a_document_counts_stems_and_every_word_for_its_length() -> None:
    analysed = analyzer_for("en").document("The cartels' recruits: cartels recruit in the U.S.")
    # "the", "in" and "s" are stop words: counted in the length, not indexed
    assert analysed == Analysed({"cartel": 2, "recruit": 2, "u": 1}, length=9)


def test_accents_are_folded_and_short_words_stay_whole() -> None:
    english = analyzer_for("en")
    assert english.document("Malmström said the EU") == Analysed(
        {"malmstrom": 1, "said": 1, "eu": 1}, length=4
    )
    assert english.query("the us and use") == {"us": 2}  # "use" stems to "us"; "us" stays


def test_a_query_term_given_by_two_words_counts_twice() -> None:
    assert analyzer_for("en").query("Cartels? Which cartel, which CARTELS") == {"cartel": 2}


def test_user_text_is_never_query_syntax() -> None:
    assert analyzer_for("en").query('NEAR(cartel "spy") AND -zetas OR title:*') == {
        "near": 1,
        "cartel": 1,
        "spy": 1,
        "zeta": 1,
        "titl": 1,
    }


def test_each_language_has_its_analyzer_and_english_is_the_default() -> None:
    english = analyzer_for("en")
    assert analyzer_for(None) is english
    assert analyzer_for("en-GB") is english
    assert analyzer_for("xx") is english  # no analyzer of its own yet
    assert analyzer_for("es_MX") is analyzer_for("es") is not english


def test_spanish_is_stemmed_before_its_accents_are_folded() -> None:
    spanish = analyzer_for("es")
    text = "Los policías detenidos y la policía detenida: también tambien en México"
    # stop words with or without their accent; "policías" and "policía" share "polic"
    assert spanish.document(text) == Analysed({"polic": 2, "deten": 2, "mexic": 1}, length=11)
    assert list(spanish.document(text).counts) == stems("policías detenidos México", "es")
    assert spanish.query("¿Qué policía detuvo a los estafadores?") == {
        "polic": 1,
        "detuv": 1,
        "estaf": 1,
    }


def test_a_query_is_read_with_every_language_of_the_collection() -> None:
    assert query_terms("policía detenido", {"en", "es"}) == {
        "policia": 1,
        "detenido": 1,
        "polic": 1,
        "deten": 1,
    }
    assert query_terms("policía detenido", {"en"}) == {"policia": 1, "detenido": 1}
    # a name is one term in both; English words get their English stem too
    assert query_terms("Europol cartels", {"en", "es"}) == {
        "europol": 1,
        "cartel": 1,
        "cartels": 1,
    }


def test_the_signature_changes_with_any_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    before = analyzers_signature()
    spanish = StemmingAnalyzer("es", "spanish", frozenset({"los"}), fold_stems=True)
    monkeypatch.setitem(analysis.ANALYZERS, "es", spanish)
    changed = analyzers_signature()
    monkeypatch.delitem(analysis.ANALYZERS, "es")
    assert len({before, changed, analyzers_signature()}) == 3
