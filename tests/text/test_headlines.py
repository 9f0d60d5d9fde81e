"""Headlines and headings are never quoted; statements are."""

from retrieval.text.headlines import quotable, repeats_title
from retrieval.text.sentences import split_sentences

TITLE = "Ransomware gang shuts down hospital systems across three regions"


def quotable_sentences(text: str, title: str = TITLE) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text) if quotable(text, (a, b), title)]


def test_a_page_repeating_its_title_as_the_first_line_quotes_only_the_statements() -> None:
    text = (
        f"{TITLE}\n\nA ransomware attack shut down computer systems at eleven hospitals on "
        "Monday. Police said the gang had attacked other hospitals."
    )
    assert quotable_sentences(text) == [
        "A ransomware attack shut down computer systems at eleven hospitals on Monday.",
        "Police said the gang had attacked other hospitals.",
    ]


def test_the_title_is_recognised_with_an_outlet_name_added_or_a_full_stop() -> None:
    assert repeats_title(f"{TITLE} | Example Wire", TITLE)
    assert repeats_title(f"{TITLE}.", TITLE)
    assert repeats_title(TITLE.upper(), f"{TITLE} - Example Wire")
    assert not repeats_title("Ransomware gang shuts down", TITLE + " and more words here")
    assert not repeats_title("A ransomware attack shut down eleven hospitals.", TITLE)


def test_a_first_line_without_a_full_stop_is_a_headline_even_when_worded_differently() -> None:
    text = "Hospitals across three regions hit by ransomware\n\nThe attack began on Monday."
    assert quotable_sentences(text) == ["The attack began on Monday."]


def test_a_title_repeated_later_in_the_text_is_not_quoted_either() -> None:
    text = f"The attack began on Monday.\n{TITLE}.\nThe gang asked for money."
    assert quotable_sentences(text) == ["The attack began on Monday.", "The gang asked for money."]


def test_short_headings_are_not_quoted_but_a_one_line_statement_is() -> None:
    text = "InSight Crime Analysis\n\nThe Zetas employ hackers."
    assert quotable_sentences(text, "DEA report") == ["The Zetas employ hackers."]
    single = "Police arrested twelve people in Lisbon on Monday."
    assert quotable_sentences(single, "Arrests in Lisbon") == [single]
