"""Questions and articles are read as English or Spanish; the asker's language breaks ties."""

from pathlib import Path

import pytest

from retrieval.language.detection import _packaged, _saved, detect, language_of, save


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Quién es Cecilia Malmström?", "es"),
        ("¿Qué dijo la DEA sobre los Zetas?", "es"),
        ("Cómo usan los cárteles las redes sociales para reclutar jóvenes", "es"),
        ("What did the DEA say about the Zetas?", "en"),
        ("and in Europe?", "en"),
        ("¿y en Europa?", "es"),
    ],
)
def test_questions_are_read_in_their_language(text: str, language: str) -> None:
    assert detect(text) == language


def test_a_bare_name_follows_the_askers_language() -> None:
    assert detect("Europol", hint="es") == "es"
    assert detect("Europol", hint="en") == "en"
    assert detect("EC3") == "en"  # no hint: the default
    assert detect("?!", hint="es") == "es"


def test_a_clear_question_is_not_overruled_by_the_hint() -> None:
    assert detect("¿Cuántos niños fueron rescatados en Europa?", hint="en") == "es"
    assert detect("How many children were rescued in Europe?", hint="es") == "en"


def test_language_tags_and_names() -> None:
    assert [language_of(t) for t in ("es-MX", "es_419", "EN", "Spanish", "pt-BR", None, "")] == [
        "es",
        "es",
        "en",
        "es",
        None,
        None,
        None,
    ]


def test_the_saved_model_detects_as_the_packaged_one(tmp_path: Path) -> None:
    save(tmp_path / "langid.npz")
    saved, packaged = _saved(tmp_path / "langid.npz"), _packaged()
    texts = ["¿Quién es Cecilia Malmström?", "and in Europe?", "Europol", "¡Nada!", "EC3"]
    assert [saved.classify(t) for t in texts] == [packaged.classify(t) for t in texts]
