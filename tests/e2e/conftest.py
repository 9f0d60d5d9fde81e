"""Fixtures for end-to-end tests against the local Telegram Bot API emulator."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from telegram_emulator import (
    EmulatorClient,
    TelegramEmulator,
    emulator_unavailable_reason,
    ensure_no_proxy,
    new_token,
)


@pytest.fixture(scope="session")
def telegram_emulator() -> Iterator[TelegramEmulator]:
    """Start one emulator process for the session (skip, or fail under CI, if Node is missing)."""
    reason = emulator_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"Telegram emulator unavailable under CI: {reason}")
        pytest.skip(f"Telegram emulator unavailable: {reason}")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ensure_no_proxy().items():
            patch.setenv(name, value)  # PTB's httpx client must not proxy 127.0.0.1
        # Request URLs contain the bot token; keep httpx quiet.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        with TelegramEmulator() as emulator:
            yield emulator


@pytest.fixture
def bot_token() -> str:
    """Return a fresh random bot token, so each test is its own bot on the shared emulator."""
    return new_token()


@pytest.fixture
def tg(telegram_emulator: TelegramEmulator, bot_token: str) -> EmulatorClient:
    """Return the emulator client for this test's bot (act as users, read the bot's messages)."""
    return telegram_emulator.client(bot_token)
