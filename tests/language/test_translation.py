"""Apertium translates batches line for line, quickly, and says clearly when it cannot."""

import os
import signal
import time
from pathlib import Path

import pytest

from retrieval.language.translation import Apertium, TranslationError, TranslatorMissing


def test_questions_are_translated_in_both_directions(apertium: Apertium) -> None:
    assert apertium.translate(["¿Cuántos niños fueron rescatados en 2012?"], "es", "en") == [
        "How many boys were rescued in 2012?"
    ]
    (spanish,) = apertium.translate(["The police arrested the hackers."], "en", "es")
    assert "policía" in spanish.lower()


def test_a_batch_comes_back_line_for_line_with_reserved_characters(apertium: Apertium) -> None:
    texts = [
        "Hola [amigo] {a} ^b$ c/d e@f <g> h\\i",
        "",
        "Dos\nlíneas\tjuntas.",
        "¿Quién es Cecilia Malmström?",
    ]
    translated = apertium.translate(texts, "es", "en")
    assert len(translated) == 4
    assert translated[0].startswith("Hello [")
    assert all(ch in translated[0] for ch in "[]{}^$/@<>\\")
    assert translated[1] == ""
    assert "\n" not in translated[2] and "lines" in translated[2]
    assert translated[3] == "Who is Cecilia Malmström?"


def test_the_same_language_is_returned_unchanged(apertium: Apertium) -> None:
    assert apertium.translate(["Hola."], "es", "es") == ["Hola."]
    assert apertium.translate([], "es", "en") == []


def test_a_large_batch_is_not_stuck_on_full_pipes(apertium: Apertium) -> None:
    texts = [f"El cártel número {n} reclutó a jóvenes en las redes sociales." for n in range(3000)]
    translated = apertium.translate(texts, "es", "en")
    assert len(translated) == 3000
    assert translated[2999].startswith("The cartel number 2999")


def test_the_chain_keeps_running_between_calls(apertium: Apertium) -> None:
    apertium.translate(["Hola."], "es", "en")  # started
    started = time.perf_counter()
    for _ in range(20):
        apertium.translate(["¿Qué dijo la DEA sobre los Zetas?"], "es", "en")
    assert time.perf_counter() - started < 5  # a fresh `apertium` call takes about a second


def test_missing_apertium_is_named_with_the_command_to_install_it(tmp_path: Path) -> None:
    translator = Apertium(datadir=tmp_path)
    assert "apt-get install apertium apertium-eng-spa" in (translator.missing() or "")
    with pytest.raises(TranslatorMissing, match="apt-get install apertium apertium-eng-spa"):
        translator.translate(["Hola."], "es", "en")


def test_a_translation_that_takes_too_long_is_an_error(apertium: Apertium) -> None:
    slow = Apertium(timeout=0.001)
    try:
        with pytest.raises(TranslationError, match="longer than"):
            slow.translate(["Hola. " * 20000], "es", "en")
    finally:
        slow.close()


def test_a_chain_that_died_is_started_again(apertium: Apertium) -> None:
    translator = Apertium()
    try:
        translator.translate(["Hola."], "es", "en")
        process = translator._chains["spa-eng"]._process
        assert process is not None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert translator.translate(["Adiós."], "es", "en") == ["Goodbye."]
    finally:
        translator.close()
