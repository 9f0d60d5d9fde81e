"""`cyberbrief bot` as a real process: a rejected token, and no network at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from processes import Cyberbrief, Forwarder, environment, free_port
from telegram_emulator import EmulatorClient, TelegramEmulator

from bot.serve import TOKEN_REJECTED

pytestmark = [pytest.mark.e2e]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", TOKEN_REJECTED),
        ("es", "Telegram rechazó este token — revisa TELEGRAM_BOT_TOKEN"),
    ],
)
def test_a_rejected_token_is_said_in_one_line_without_the_token(
    telegram_emulator: TelegramEmulator, tmp_path: Path, language: str, said: str
) -> None:
    token = "123456:revoked*token"  # the emulator, like Telegram, answers 401 Unauthorized
    env = environment(
        TELEGRAM_BOT_TOKEN=token,
        CYBERBRIEF_API_URL=telegram_emulator.root_url,
        CYBERBRIEF_DB=str(tmp_path / "bot.db"),
        CYBERBRIEF_LANG=language,
    )
    bot = Cyberbrief(["bot"], env)
    try:
        code = bot.wait(timeout=60)
    finally:
        bot.stop()
    assert code != 0
    (line,) = bot.lines  # one line: "cyberbrief: Telegram rejected this token — check …"
    assert line.endswith(f"cyberbrief: {said}")
    assert "revoked" not in bot.stderr + bot.out


@pytest.mark.model
def test_no_network_at_start_up_is_retried_with_a_line_per_attempt(
    telegram_emulator: TelegramEmulator, tg: EmulatorClient, tmp_path: Path
) -> None:
    port = free_port()  # where Telegram will be, once "the network" is back
    env = environment(
        TELEGRAM_BOT_TOKEN=tg.token,
        CYBERBRIEF_API_URL=f"http://127.0.0.1:{port}",
        CYBERBRIEF_DB=str(tmp_path / "bot.db"),
    )
    bot = Cyberbrief(["bot"], env)
    forwarder = None
    try:
        first = bot.wait_for_line("cannot reach Telegram", timeout=60)
        assert first.endswith("; retrying in 5 s")
        second = bot.wait_for_line("cannot reach Telegram", timeout=20)
        assert second.endswith("; retrying in 10 s")
        assert bot.process.poll() is None  # still there, waiting
        forwarder = Forwarder(port, telegram_emulator.port or 0)
        tg.wait_for_calls("setMyCommands", timeout=90)  # reached Telegram and started
        bot.wait_for_line("is ready", timeout=90)
    finally:
        bot.stop()
        if forwarder is not None:
            forwarder.close()
    assert "Traceback" not in bot.stderr
    assert [line for line in bot.lines if "cannot reach Telegram" in line] == [first, second]
    assert tg.token not in bot.stderr
