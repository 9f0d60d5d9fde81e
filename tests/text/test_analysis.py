"""Analyzers: English read as FTS5's porter tokenizer read it; one analyzer per language."""

import pytest

from retrieval.text import analysis
from retrieval.text.analysis import Analysed, StemmingAnalyzer, analyzer_for, query_terms


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


def test_a_new_language_is_one_analyzer_and_queries_read_with_every_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spanish = StemmingAnalyzer("es", "spanish", frozenset({"los", "de"}))
    monkeypatch.setitem(analysis.ANALYZERS, "es", spanish)
    assert analyzer_for("es_MX") is spanish
    assert spanish.document("los cárteles de México") == Analysed(
        {"cartel": 1, "mexic": 1}, length=4
    )
    assert query_terms("policías detenidos", {"en", "es"}) == {
        "polici": 1,
        "deten": 1,
        "policia": 1,
        "detenido": 1,
    }
    assert query_terms("policías detenidos", {"en"}) == {"policia": 1, "detenido": 1}
