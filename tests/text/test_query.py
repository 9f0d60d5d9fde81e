"""A query's searchable words."""

from retrieval.text.query import query_stems, stems, terms


def test_terms_drop_stop_words_and_repeats() -> None:
    assert terms("What is the EU's Cybercrime Centre? What centre?") == [
        "eu",
        "cybercrime",
        "centre",
    ]


def test_spanish_words_drop_spanish_stop_words_and_stem_before_folding_accents() -> None:
    question = "¿Cómo usan los cárteles las redes sociales para reclutar jóvenes?"
    assert terms(question, "es") == ["usan", "cárteles", "redes", "sociales", "reclutar", "jóvenes"]
    assert query_stems(question, "es") == ["usan", "cartel", "red", "social", "reclut", "joven"]
    assert stems("Cárteles reclutaron niños", "es") == stems("cártel reclutar NIÑO", "es")

    assert terms("¿Qué dijo la DEA?", "es") == ["dea"]
