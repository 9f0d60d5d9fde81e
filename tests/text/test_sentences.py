"""Sentence boundaries in news prose."""

from retrieval.text.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_splits_on_terminal_punctuation_and_keeps_quotes() -> None:
    text = 'He said: "It is done." Then he left! Did he? Yes.'
    assert sentences(text) == ['He said: "It is done."', "Then he left!", "Did he?", "Yes."]


def test_abbreviations_initials_and_initialisms_do_not_end_sentences() -> None:
    text = (
        "Mr. Smith met Dr. Jones in Washington D.C. Wednesday. John F. Kennedy spoke. "
        "The U.S. Department of State agreed."
    )
    assert sentences(text) == [
        "Mr. Smith met Dr. Jones in Washington D.C. Wednesday.",
        "John F. Kennedy spoke.",
        "The U.S. Department of State agreed.",
    ]


def test_newlines_are_boundaries_and_offsets_are_exact() -> None:
    text = "  Headline without a period\n\nFirst sentence. 8 children were rescued.\n"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Headline without a period",
        "First sentence.",
        "8 children were rescued.",
    ]
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)


def test_lower_case_after_period_does_not_split() -> None:
    assert sentences("The EU-U.S. cooperation is a necessity. It works.") == [
        "The EU-U.S. cooperation is a necessity.",
        "It works.",
    ]


def test_range_and_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []
    text = "One. Two. Three."
    assert [text[a:b] for a, b in split_sentences(text, 5, 9)] == ["Two."]


def test_spanish_questions_exclamations_and_abbreviations() -> None:
    text = (
        "¿Qué dijo la DEA? ¡Nada! El Sr. Pérez y la Dra. López viajaron a EE.UU. el lunes. "
        "«Es grave», dijo. Luego se fue al mar. Está en la pág. 5 del informe."
    )
    assert [text[a:b] for a, b in split_sentences(text, language="es")] == [
        "¿Qué dijo la DEA?",
        "¡Nada!",
        "El Sr. Pérez y la Dra. López viajaron a EE.UU. el lunes.",
        "«Es grave», dijo.",
        "Luego se fue al mar.",
        "Está en la pág. 5 del informe.",
    ]


def test_english_abbreviations_are_not_spanish_ones() -> None:
    text = "He said no. Mar. 3 was the day. No. 5 won."
    assert sentences(text) == ["He said no. Mar. 3 was the day.", "No. 5 won."]
    spanish = "Dijo que no. Nada más. Fue en el mar. Otra vez."
    assert [spanish[a:b] for a, b in split_sentences(spanish, language="es")] == [
        "Dijo que no.",
        "Nada más.",
        "Fue en el mar.",
        "Otra vez.",
    ]
