"""User text never reaches FTS5 as query syntax."""

from retrieval.text.query import fts_expression, query_stems, stems, terms


def test_terms_drop_stop_words_and_repeats() -> None:
    assert terms("What is the EU's Cybercrime Centre? What centre?") == [
        "eu",
        "cybercrime",
        "centre",
    ]


def test_operators_and_quotes_become_quoted_words() -> None:
    expression = fts_expression('NEAR(cartel "spy") AND -zetas OR title:* "')
    assert expression == '"near" OR "cartel" OR "spy" OR "zetas" OR "title"'


def test_text_without_words_has_no_expression() -> None:
    assert fts_expression("?! ... the of") is None


def test_spanish_words_drop_spanish_stop_words_and_stem_before_folding_accents() -> None:
    question = "¿Cómo usan los cárteles las redes sociales para reclutar jóvenes?"
    assert terms(question, "es") == ["usan", "cárteles", "redes", "sociales", "reclutar", "jóvenes"]
    assert query_stems(question, "es") == ["usan", "cartel", "red", "social", "reclut", "joven"]
    assert stems("Cárteles reclutaron niños", "es") == stems("cártel reclutar NIÑO", "es")

    assert fts_expression("¿Qué dijo la DEA?", "es") == '"dea"'
