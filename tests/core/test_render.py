"""Answers for the terminal and as JSON: the same structure as in Telegram."""

import json

from retrieval.core.models import Answer, Quote
from retrieval.core.render import answer_json, answer_text

ARTICLE = (
    '"EU-U.S. cooperation is not a choice, but a necessity", Malmström said. '
    "Several arrests were made on both sides of the Atlantic."
)


def quote(start: int, end: int, article_id: int = 1, text: str = ARTICLE) -> Quote:
    """A quote of ARTICLE (or another text) between two offsets."""
    title = 'Cybercrime: "EU-US cooperation a necessity"'
    source = "European Commission" if article_id == 1 else "Other Wire"
    return Quote(article_id, title, source, "2012-05-03", None, text[start:end], start, end, 1.0)


FIRST = quote(0, ARTICLE.index(" Several"))
SECOND = quote(ARTICLE.index("Several"), len(ARTICLE))


def test_terminal_answer_groups_quotes_without_doubled_quotation_marks() -> None:
    text = answer_text(Answer("q", (SECOND, FIRST), abstained=False))
    lines = text.splitlines()
    assert lines[0] == "│ Several arrests were made on both sides of the Atlantic."
    assert lines[1] == '│ "EU-U.S. cooperation is not a choice, but a necessity", Malmström said.'
    assert lines[2].startswith('— Cybercrime: "EU-US cooperation a necessity" · European')
    assert text.count("Cybercrime:") == 1 and '""' not in text and '"“' not in text


def test_terminal_partial_answer_is_related_reading_after_what_is_missing() -> None:
    answer = Answer(
        "What did Malmström say about bitcoin?",
        (),
        abstained=False,
        related=(FIRST,),
        coverage="partial",
        covered=("Malmström",),
        missing=("bitcoin",),
        searched="What did Malmström say about bitcoin",
    )
    text = answer_text(answer, read_as="ignored when searched is set")
    assert text.startswith("Searched for: What did Malmström say about bitcoin\n\n")
    assert "The articles mention Malmström, but nothing about bitcoin." in text
    assert "Related reading, not an answer:\n\n│ " in text and "ignored" not in text


def test_terminal_abstention_lists_the_closest_articles_once() -> None:
    related = (FIRST, SECOND, quote(0, 10, article_id=2, text="Elsewhere."))
    text = answer_text(Answer("q", (), abstained=True, related=related, coverage="none"))
    assert text.splitlines()[0] == "The stored articles don't cover this question."
    assert text.count("  - Cybercrime") == 2  # one line per article, not per passage
    assert "Several arrests" not in text


def test_json_groups_quotes_by_article_with_exact_offsets() -> None:
    other = quote(0, 10, article_id=2, text="Elsewhere. Later.")
    record = json.loads(answer_json(Answer("q", (FIRST, other, SECOND), abstained=False)))
    assert [g["article_id"] for g in record["sources"]] == [1, 2]
    first = record["sources"][0]
    assert [q["quote"] for q in first["quotes"]] == [FIRST.text, SECOND.text]
    for q in first["quotes"]:
        assert ARTICLE[q["start"] : q["end"]] == q["quote"]
    assert record["related"] == [] and record["coverage"] == "full"


def test_json_of_an_abstention_puts_the_closest_passages_under_related() -> None:
    record = json.loads(answer_json(Answer("q", (), True, related=(FIRST,), coverage="none")))
    assert record["sources"] == [] and record["related"][0]["quotes"][0]["quote"] == FIRST.text
    assert record["abstained"] is True and record["coverage"] == "none"


def test_json_keeps_a_sentence_that_two_copies_of_a_story_share() -> None:
    copy = quote(0, ARTICLE.index(" Several"), article_id=2)
    answer = Answer("q", (FIRST, copy), abstained=False)
    record = json.loads(answer_json(answer))
    assert [g["article_id"] for g in record["sources"]] == [1, 2]
    assert answer_text(answer).count("Malmström said.") == 1  # people read it once
