"""A query's searchable words."""

from retrieval.text.query import terms


def test_terms_drop_stop_words_and_repeats() -> None:
    assert terms("What is the EU's Cybercrime Centre? What centre?") == [
        "eu",
        "cybercrime",
        "centre",
    ]
