"""A Spanish speaker through the real bot and the emulator: the bot's words in Spanish, a Spanish
question about the shipped English articles answered with the verbatim English quote and a
labelled machine translation, and /language en switching to English."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from telegram_emulator import DEFAULT_USER, EmulatorClient, assert_valid_telegram_html

from retrieval.core.collection import Collection
from retrieval.language.translation import Apertium

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER_ID = DEFAULT_USER["id"]
RESCUED = "In Europe, 8 children between 3 and 10 years old were rescued."
LABEL = "Traducción automática, no es una cita:"
_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.DOTALL)


def test_a_spanish_speaker_is_answered_in_spanish_with_english_quotes(
    tg: EmulatorClient, start_bot: Callable[..., Any], collection: Collection, apertium: Apertium
) -> None:
    start_bot()
    menus = {
        (c["params"]["scope"]["type"], c["params"].get("language_code")): c["params"]["commands"]
        for c in tg.wait_for_calls("setMyCommands", 9)
    }
    spanish_menu = {c["command"]: c["description"] for c in menus["all_private_chats", "es"]}
    assert spanish_menu["ask"] == "Haz una pregunta sobre los artículos"

    tg.send_command("start", language_code="es")
    start = assert_valid_telegram_html(tg.wait_for_message(USER_ID, timeout=60))
    assert start.startswith("¡Hola, Alice! Respondo a preguntas sobre artículos de prensa")
    assert "Conozco 3 artículos" in start

    tg.send_command("help", language_code="es")
    help_text = assert_valid_telegram_html(tg.wait_for_message(USER_ID, timeout=20))
    assert "Aquí cualquier mensaje es una pregunta, en español o en inglés." in help_text
    assert "/language es|en — El idioma en que hablo aquí" in help_text

    tg.send_message(
        "¿Cuántos niños de entre 3 y 10 años fueron rescatados en Europa?", language_code="es"
    )
    reply = tg.wait_for_message(USER_ID, timeout=60)
    assert_valid_telegram_html(reply)
    quoted = [html.unescape(b) for b in _BLOCKQUOTE.findall(reply["text"])]
    lines = [line for block in quoted for line in block.split("\n")]
    assert RESCUED in lines  # the English sentence, verbatim
    bodies = [a.text for a in collection.store.articles(range(1, 10)).values()]
    assert all(any(line in body for body in bodies) for line in lines)
    after = reply["text"].split("</blockquote>", 1)[1]
    assert f"<i>{LABEL} " in after and all(LABEL not in block for block in quoted)
    translation = html.unescape(after.split(LABEL, 1)[1].split("</i>", 1)[0])
    assert "niños" in translation and "Europa" in translation

    tg.send_command("language", "en", language_code="es")
    switched = assert_valid_telegram_html(tg.wait_for_message(USER_ID, timeout=20))
    assert switched == "I'll speak English in this chat."
    tg.send_command("help", language_code="es")
    english_help = assert_valid_telegram_html(tg.wait_for_message(USER_ID, timeout=20))
    assert "Any message here is a question, in English or Spanish." in english_help
