"""User text never reaches FTS5 as query syntax."""

from retrieval.text.query import fts_expression, terms


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
