"""The program's words: every message is translated, the compiled catalog is current, and the
language spoken follows each block of work."""

import asyncio
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from retrieval.language.messages import LOCALES, _, ngettext, speaking, spoken

ROOT = Path(__file__).resolve().parents[2]
SPANISH = LOCALES / "es" / "LC_MESSAGES" / "cyberbrief"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def code_messages() -> set[str]:
    """Every message the code marks for translation (the singular form of plurals)."""
    found = set()
    for folder in ("bot", "retrieval"):
        for _name, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def spanish_catalog():
    with SPANISH.with_suffix(".po").open("rb") as po:
        return read_po(po, locale="es")


def test_every_message_in_the_code_is_translated_into_spanish() -> None:
    catalog = spanish_catalog()
    messages = code_messages()
    assert len(messages) > 80
    untranslated = sorted(
        m
        for m in messages
        if m not in catalog
        or catalog[m].fuzzy
        or not all(
            catalog[m].string if isinstance(catalog[m].string, tuple) else [catalog[m].string]
        )
    )
    assert untranslated == [], "run `make messages`, then translate these in the .po file"


def test_placeholders_match_between_languages() -> None:
    problems = [(message.id, errors) for message, errors in spanish_catalog().check() if errors]
    assert problems == []


def test_the_compiled_catalog_is_the_current_one() -> None:
    catalog = spanish_catalog()
    with SPANISH.with_suffix(".mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert _pairs(compiled) == _pairs(catalog), "run `make messages` to compile the catalog"


def _pairs(catalog) -> dict[object, object]:
    """A catalog's messages and translations, plural forms as tuples."""
    return {
        tuple(m.id) if isinstance(m.id, list | tuple) else m.id: (
            tuple(m.string) if isinstance(m.string, list | tuple) else m.string
        )
        for m in catalog
        if m.id
    }


def test_messages_are_spoken_in_the_language_of_the_block() -> None:
    english = "The stored articles don't cover this question."
    assert _(english) == english
    with speaking("es"):
        assert spoken() == "es"
        assert _(english) == "Los artículos guardados no tratan esta pregunta."
        assert ngettext("%(count)d outlet", "%(count)d outlets", 2) % {"count": 2} == "2 medios"
        with speaking("en"):
            assert _(english) == english
        assert _(english) != english
    assert spoken() == "en"


def test_work_handed_to_a_thread_keeps_the_language() -> None:
    async def main() -> str:
        with speaking("es"):
            return await asyncio.to_thread(_, "Closest articles:")

    assert asyncio.run(main()) == "Artículos más cercanos:"


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unknown_message_is_shown_as_written(language: str) -> None:
    with speaking(language):  # type: ignore[arg-type]
        assert _("Not a message of ours") == "Not a message of ours"
