"""Briefings end to end: the real bot in a group through the emulator, with the real model."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram_emulator import (
    DEFAULT_USER,
    EmulatorClient,
    assert_valid_telegram_html,
    running_application,
)

from bot.app import build_application
from bot.settings import BotSettings
from retrieval.briefings.builder import Briefer
from retrieval.briefings.schedules import parse_schedule
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from tests.conftest import this_weeks_news

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER_ID = DEFAULT_USER["id"]
OTHER_ID = USER_ID + 1
GROUP_ID = -1001234567890
_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.DOTALL)


def assert_quotes_are_verbatim(message: dict[str, Any], collection: Collection) -> None:
    """Every quote in a message is an exact substring of a stored article."""
    quotes = [html.unescape(q) for q in _BLOCKQUOTE.findall(message["text"])]
    assert quotes
    texts = [a.text for a in collection.store.newest_articles(50)]
    for quote in quotes:
        assert any(quote in text for text in texts), quote


def test_group_briefing_schedule_and_follow_up(
    tg: EmulatorClient, start_bot: Callable[..., Any], collection: Collection
) -> None:
    this_weeks_news(collection)
    start_bot()
    tg.set_chat_member(GROUP_ID, USER_ID, "administrator")
    tg.set_chat_member(GROUP_ID, OTHER_ID, "member")
    tg.send_command("briefing", chat_id=GROUP_ID)
    (briefing,) = tg.wait_for_messages(GROUP_ID, timeout=20)
    text = assert_valid_telegram_html(briefing)
    assert text.startswith("📰 Briefing — 3 stories since")
    assert briefing["link_preview_options"] == {"is_disabled": True}
    assert_quotes_are_verbatim(briefing, collection)

    tg.send_command("schedule", "daily 08:00 Europe/Madrid", chat_id=GROUP_ID, user_id=OTHER_ID)
    (refusal,) = tg.wait_for_messages(GROUP_ID, timeout=20)
    assert "Only the group's admins" in assert_valid_telegram_html(refusal)
    tg.send_command("schedule", "daily 08:00 Europe/Madrid", chat_id=GROUP_ID)
    (saved,) = tg.wait_for_messages(GROUP_ID, timeout=20)
    assert "daily 08:00 Europe/Madrid" in assert_valid_telegram_html(saved)

    tg.send_group_message(
        GROUP_ID,
        "How many children were rescued in Europe?",
        reply_to_message_id=briefing["message_id"],
    )
    (answer,) = tg.wait_for_messages(GROUP_ID, timeout=20)
    answer_text = assert_valid_telegram_html(answer)
    assert answer_text.startswith("From the stories of that briefing:")
    assert "8 children" in answer_text


def test_a_briefing_missed_while_the_bot_was_down_arrives_once(
    tg: EmulatorClient, start_bot: Callable[..., Any], collection: Collection
) -> None:
    this_weeks_news(collection)
    missed = datetime.now(UTC) - timedelta(days=2)  # two daily runs passed while down
    Briefer(collection).briefings.set_schedule(
        GROUP_ID, parse_schedule(f"daily {missed:%H:%M} UTC"), missed, set_by=USER_ID
    )
    start_bot(schedule_seconds=0.5)
    (briefing,) = tg.wait_for_messages(GROUP_ID, timeout=20)
    assert assert_valid_telegram_html(briefing).startswith("📰 Briefing — 3 stories since")
    time.sleep(2)  # several more rounds of the schedule job
    assert len(tg.bot_messages(GROUP_ID)) == 1


def test_an_overdue_briefing_arrives_at_start_up_however_long_the_start(
    tg: EmulatorClient, collection: Collection
) -> None:
    this_weeks_news(collection)
    missed = datetime.now(UTC) - timedelta(hours=3)
    Briefer(collection).briefings.set_schedule(
        GROUP_ID, parse_schedule(f"daily {missed:%H:%M} UTC"), missed, set_by=USER_ID
    )
    settings = BotSettings(token=tg.token, api_url=tg.emulator.root_url, schedule_seconds=3600)
    application = build_application(settings, Assistant(collection))
    time.sleep(3)  # a real start: the model and the collection load between building and running
    with running_application(application, poll_timeout=1):
        (briefing,) = tg.wait_for_messages(GROUP_ID, timeout=20)
        assert assert_valid_telegram_html(briefing).startswith("📰 Briefing — 3 stories since")
