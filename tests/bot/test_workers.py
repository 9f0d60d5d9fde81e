"""Several workers of one bot on one database: an update handled once, the limits shared."""

import asyncio
from typing import Any

import pytest
from telegram.ext import AIORateLimiter

from bot.workers import PER_GROUP, SharedRateLimiter, limits_for
from retrieval.core.database import open_target
from retrieval.workers.store import open_workers
from tests.bot.conftest import ANSWERED, USER, BotHarness


def test_an_update_telegram_sends_again_is_answered_once(bot: BotHarness) -> None:
    update = {
        "update_id": 900_001,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": USER["id"], "type": "private"},
            "from": USER,
            "text": ANSWERED,
        },
    }
    assert bot.process(update)  # answered
    assert bot.process(update) == []  # the same update again: dropped, not answered twice


def test_limits_count_groups_and_channels_apart() -> None:
    assert set(limits_for(42)) == {"bot"}
    assert set(limits_for(-100123)) == {"bot", "chat:-100123"}
    assert set(limits_for("@channel")) == {"bot", "chat:@channel"}


def test_two_workers_sending_to_one_group_share_its_limit(database_target: str) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def send() -> dict[str, Any]:
        return {"ok": True}

    stores = [open_target(database_target) for _ in range(2)]
    limiters = [
        SharedRateLimiter(open_workers(store), AIORateLimiter(), lambda: 1000.0, sleep)
        for store in stores
    ]

    async def both() -> None:
        for _ in range(15):
            for limiter in limiters:
                await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": -5}, None)

    async def typing() -> None:
        await limiters[0].process_request(send, (), {}, "sendChatAction", {"chat_id": -5}, None)

    try:
        asyncio.run(both())
        asyncio.run(typing())  # no message: never waits
    finally:
        for store in stores:
            store.close()
    burst, steady = PER_GROUP.count, PER_GROUP.interval
    assert len(waits) == 30 - burst  # the first 20 went at once, between both workers
    assert waits == pytest.approx([steady * n for n in range(1, 11)])
