"""The real bot, polling the Telegram emulator, over the shipped articles with the real model."""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from telegram_emulator import (
    DEFAULT_USER,
    EmulatorClient,
    assert_valid_telegram_html,
)

from retrieval.core.collection import Collection

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER_ID = DEFAULT_USER["id"]
GROUP_ID = -1001234567890
QUESTION = "How do Mexican drug cartels use social networks?"
_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.DOTALL)


def valid(messages: list[dict[str, Any]]) -> list[str]:
    """The plain text of each bot message, after checking it is valid Telegram HTML."""
    return [assert_valid_telegram_html(message) for message in messages]


def test_private_question_is_answered_with_exact_quotes(
    tg: EmulatorClient, start_bot: Callable[..., Any], collection: Collection
) -> None:
    start_bot()
    commands = tg.wait_for_calls("setMyCommands")[0]["params"]["commands"]
    assert "ask" in str(commands)
    tg.send_message(QUESTION)
    reply = tg.wait_for_message(USER_ID, timeout=20)
    (text,) = valid([reply])
    assert "\n— DEA report: Mexican cartels" in text and text.count("DEA report: Mexican") == 1
    assert reply["link_preview_options"] == {"is_disabled": True}
    blocks = _BLOCKQUOTE.findall(reply["text"])  # one per article, one quote per line
    quotes = [html.unescape(line) for block in blocks for line in block.split("\n")]
    assert quotes
    articles = {a.title: a.text for a in collection.store.articles(range(1, 10)).values()}
    for quote in quotes:
        assert any(quote in body for body in articles.values()), quote
    assert any("social networking sites" in quote for quote in quotes)
    assert tg.calls("sendChatAction")


def test_group_ask_then_reply_followup_in_a_topic(
    tg: EmulatorClient, start_bot: Callable[..., Any]
) -> None:
    start_bot()
    assert not tg.send_group_message(GROUP_ID, QUESTION, is_forum=True)["delivered"]
    tg.send_command(
        "ask",
        "What will the EU Cybercrime Centre fight?",
        chat_id=GROUP_ID,
        message_thread_id=5,
        is_forum=True,
    )
    answer = tg.wait_for_message(GROUP_ID, timeout=20)
    assert answer["message_thread_id"] == 5
    assert "organised criminal groups" in valid([answer])[0]

    tg.send_group_message(
        GROUP_ID,
        "and in Europe?",
        reply_to_message_id=answer["message_id"],
        message_thread_id=5,
        is_forum=True,
    )
    followup = tg.wait_for_message(GROUP_ID, timeout=20)
    (text,) = valid([followup])
    assert text.startswith("Read as: What will the EU Cybercrime Centre fight in Europe?")
    assert followup["message_thread_id"] == 5

    # Another member replies to that answer about Europe: the place is swapped, not added.
    tg.send_group_message(
        GROUP_ID,
        "and in the US?",
        user_id=USER_ID + 1,
        reply_to_message_id=followup["message_id"],
        message_thread_id=5,
        is_forum=True,
    )
    (swapped,) = valid([tg.wait_for_message(GROUP_ID, timeout=20)])
    assert swapped.startswith("Read as: What will the EU Cybercrime Centre fight in the US?")


def test_more_sources_and_feedback_buttons(
    tg: EmulatorClient, start_bot: Callable[..., Any]
) -> None:
    _, assistant = start_bot()
    tg.send_message(QUESTION)
    answer = tg.wait_for_message(USER_ID, timeout=20)
    valid([answer])
    buttons = [b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]]
    more, up, _down = buttons
    tg.press_button(USER_ID, answer["message_id"], more)
    page = tg.wait_for_message(USER_ID, timeout=20)
    (text,) = valid([page])
    assert text.startswith("More sources for") and "<blockquote>" in page["text"]
    edited = tg.wait_for_edit(USER_ID, answer["message_id"])
    assert [b["callback_data"] for b in edited["reply_markup"]["inline_keyboard"][0]] == [up, _down]

    tg.press_button(USER_ID, answer["message_id"], up)
    tg.wait_for_calls("answerCallbackQuery", 2)
    voted = tg.wait_for_edit(USER_ID, answer["message_id"], edits=2)
    labels = [(b["text"], b.get("style")) for b in voted["reply_markup"]["inline_keyboard"][0]]
    assert labels == [("👍 1", "primary"), ("👎", None)]  # the vote that counts, marked
    answer_id = int(up.split(":")[1])
    (vote,) = assistant.conversations.feedback(answer_id)
    assert vote.vote == 1 and vote.question == QUESTION and len(vote.sources) > 3


def test_off_topic_question_abstains(tg: EmulatorClient, start_bot: Callable[..., Any]) -> None:
    start_bot()
    tg.send_message("What is a good recipe for banana bread?")
    (text,) = valid([tg.wait_for_message(USER_ID, timeout=20)])
    assert "The stored articles don't cover this question" in text


def test_flood_limit(tg: EmulatorClient, start_bot: Callable[..., Any]) -> None:
    start_bot(flood_limit=3)
    for _ in range(5):
        tg.send_message(QUESTION)
    texts = valid(tg.wait_for_messages(USER_ID, 4, timeout=20))
    warnings = [t for t in texts if "faster than I can keep up" in t]
    assert len(warnings) == 1 and sum("\n— " in t for t in texts) == 3
    tg.send_command("help")  # the fifth question got no reply: the next message is this one
    assert "/ask" in valid([tg.wait_for_message(USER_ID, timeout=20)])[0]


def test_handler_error_is_logged_and_reported_politely(
    tg: EmulatorClient,
    start_bot: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner, assistant = start_bot()

    def broken(*args: object) -> None:
        raise RuntimeError("index corrupted at /var/secret")

    monkeypatch.setattr(assistant, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        tg.send_message(QUESTION)
        (text,) = valid([tg.wait_for_message(USER_ID, timeout=20)])
    assert text == "Sorry, something went wrong on my side. Please try again in a moment."
    (record,) = [r for r in caplog.records if r.name == "bot.answers.handlers"]
    assert record.exc_info is not None and "index corrupted" in str(record.exc_info[1])
    deadline = time.monotonic() + 5  # the harness records the error after our handler replied
    while not runner.errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [type(error) for _, error in runner.errors] == [RuntimeError]
    runner.errors.clear()  # expected: the harness fails tests on handler errors


def test_help_in_private_and_in_a_group(tg: EmulatorClient, start_bot: Callable[..., Any]) -> None:
    start_bot()
    calls = tg.wait_for_calls("setMyCommands", 9)
    menus = {(c["params"]["scope"]["type"], c["params"].get("language_code")) for c in calls}
    assert len(menus) == 9  # private chats, group members, group admins; default, en and es
    tg.send_command("help")
    (private,) = valid([tg.wait_for_message(USER_ID, timeout=20)])
    assert "Any message here is a question, in English or Spanish." in private
    assert "/subscribe topic — Alerts about new stories on a topic\n" in private
    tg.send_command("help", chat_id=GROUP_ID)
    (group,) = valid([tg.wait_for_message(GROUP_ID, timeout=20)])
    assert "In this group, ask with /ask your question" in group
    assert "/subscribe topic — Alerts about new stories on a topic (group admins)" in group
    assert "/briefing [24h|7d|2w] — What's new" in group and "/addfeed" not in group
