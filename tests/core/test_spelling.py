"""Unknown words are read as the nearest known word; known and short words are left alone."""

from retrieval.core.spelling import correct

KNOWN = {"oper": 4, "predat": 2, "zeta": 3, "dea": 5}
WORDS = {"predator", "zetas", "operation", "dea"}


def nearest(word: str, edits: int) -> str | None:
    """Nearest of a few known words by a crude letter-by-letter distance, for these tests."""
    close = [w for w in WORDS if len(w) == len(word) + 1 and all(c in w for c in word)]
    return close[0] if close and edits >= 1 else None


def test_unknown_words_are_corrected_keeping_capitals_and_the_rest_of_the_question() -> None:
    reading = correct("What did Operation Predatr do?", KNOWN, nearest)
    assert reading.text == "What did Operation Predator do?"
    assert reading.corrections == (("Predatr", "Predator"),)
    assert correct("operation predatr", KNOWN, nearest).text == "operation predator"


def test_known_words_short_words_and_words_without_a_near_neighbour_stay() -> None:
    assert correct("What did the DEA say about bitcoin?", KNOWN, nearest).corrections == ()
    assert correct("Zeta", {"zeta": 1}, nearest).text == "Zeta"
    assert correct("Why dea?", KNOWN, nearest).text == "Why dea?"
