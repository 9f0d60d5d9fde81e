"""Fixtures for end-to-end tests against the local Telegram Bot API emulator."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram_emulator import (
    EmulatorClient,
    RunningApplication,
    TelegramEmulator,
    emulator_unavailable_reason,
    ensure_no_proxy,
    new_token,
    running_application,
)

from bot.app import build_application
from bot.settings import BotSettings
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from retrieval.news.poller import Poller


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


@pytest.fixture
def collection(real_seeded: Collection, tmp_path: Path) -> Iterator[Collection]:
    """A private copy of the shipped articles embedded with the real model."""
    path = tmp_path / "bot.db"
    with sqlite3.connect(path) as copy:
        real_seeded.store.db.conn.backup(copy)
    store = Store(path)
    yield Collection(store, real_seeded.embedder)
    store.close()


@pytest.fixture
def start_bot(
    tg: EmulatorClient, collection: Collection
) -> Iterator[Callable[..., tuple[RunningApplication, Assistant]]]:
    """Start the real bot against the emulator with chosen settings; stop it afterwards."""
    stack: list[Any] = []

    def start(
        poller: Poller | None = None, **settings: Any
    ) -> tuple[RunningApplication, Assistant]:
        options = {"token": tg.token, "api_url": tg.emulator.root_url, "typing_delay": 0.0}
        assistant = Assistant(collection)
        application = build_application(
            BotSettings(**{**options, **settings}), assistant, poller=poller
        )
        context = running_application(application, poll_timeout=1)
        runner = context.__enter__()
        stack.append(context)
        return runner, assistant

    yield start
    for context in stack:
        context.__exit__(None, None, None)
