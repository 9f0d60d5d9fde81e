"""A fake Telegram for fast bot tests: Application.process_update with a recording BaseRequest."""

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.settings import BotSettings
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection

BOT = {"id": 424242, "is_bot": True, "first_name": "Brief", "username": "TestNameBot"}
USER = {"id": 5550001, "is_bot": False, "first_name": "Alice", "username": "alice"}
GROUP = {"id": -1001234, "type": "supergroup", "title": "Readers"}
ANSWERED = "How many children between 3 and 10 years old were rescued in Europe?"
OFF_TOPIC = "What is a good recipe for banana bread?"


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None


class FakeTelegram(BaseRequest):
    """Answers Bot API calls as Telegram would, and records them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.member_status = "member"
        self.failures: list[tuple[str, int, str, int | None]] = []
        self._ids = itertools.count(1000)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float:
        """Read timeout, as BaseRequest requires."""
        return 5.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        """Record the call and answer it."""
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append(Call(name, params))
        for n, (method, code, description, retry_after) in enumerate(self.failures):
            if method == name:
                del self.failures[n]
                error: dict[str, Any] = {
                    "ok": False,
                    "error_code": code,
                    "description": description,
                }
                if retry_after is not None:
                    error["parameters"] = {"retry_after": retry_after}
                return code, json.dumps(error).encode()
        result = self._result(name, params)
        self.calls[-1].result = result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        """What Telegram returns for each method the bot uses."""
        if name == "getMe":
            return BOT
        if name in {"sendMessage", "editMessageReplyMarkup", "editMessageText"}:
            chat_id = int(params["chat_id"])
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
            message = {
                "message_id": int(params.get("message_id") or next(self._ids)),
                "date": int(time.time()),
                "chat": chat,
                "from": BOT,
                "text": params.get("text", ""),
            }
            if "message_thread_id" in params:
                message["message_thread_id"] = params["message_thread_id"]
                message["is_topic_message"] = True
            return message
        if name == "getChatMember":
            return {"status": self.member_status, "user": USER, "is_anonymous": False}
        return True

    def fail_next(
        self, method: str, code: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of a method fail as Telegram would (403, 400, 429…)."""
        self.failures.append((method, code, description, retry_after))

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """The calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]


UPDATE_IDS = itertools.count(1)  # as Telegram numbers a bot's updates: never the same twice


@dataclass
class BotHarness:
    """The bot on its own event loop, fed updates one at a time."""

    application: Application
    telegram: FakeTelegram
    assistant: Assistant
    loop: asyncio.AbstractEventLoop
    _update_ids: Iterator[int] = UPDATE_IDS
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def process(self, update: dict[str, Any]) -> list[Call]:
        """Feed one update; return the messages the bot sent in answer."""
        before = len(self.telegram.calls)
        data = {"update_id": next(self._update_ids), **update}
        self.loop.run_until_complete(
            self.application.process_update(Update.de_json(data, self.application.bot))
        )
        return [c for c in self.telegram.calls[before:] if c.method == "sendMessage"]

    def message(
        self,
        text: str | None = None,
        *,
        chat: dict[str, Any] | None = None,
        user: dict[str, Any] = USER,
        reply_to: int | None = None,
        thread: int | None = None,
        entities: list[dict[str, Any]] | None = None,
        kind: str = "message",
        **extra: Any,
    ) -> dict[str, Any]:
        """A message update (text or other content), from a person in a chat."""
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                entities = [{"type": "bot_command", "offset": 0, "length": length}]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": chat,
                "from": BOT,
                "text": "an answer",
            }
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
        return {kind: message}

    def say(self, text: str | None = None, **options: Any) -> list[Call]:
        """Send a message to the bot; return its replies."""
        return self.process(self.message(text, **options))

    def press(
        self,
        message_id: int,
        data: str,
        chat_id: int = USER["id"],
        user: dict[str, Any] = USER,
        markup: dict[str, Any] | None = None,
    ) -> list[Call]:
        """Press an inline button on one of the bot's messages (carrying `markup`, if given)."""
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT,
            "text": "an answer",
        }
        if markup is not None:
            message["reply_markup"] = markup
        query = {
            "id": str(next(self._update_ids)),
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": message,
        }
        return self.process({"callback_query": query})


@pytest.fixture
def make_bot(seeded: Collection) -> Iterator[Any]:
    """Build bots over the seeded collection (fake embedder) with chosen settings."""
    loops: list[tuple[asyncio.AbstractEventLoop, Application]] = []

    def make(**settings: Any) -> BotHarness:
        telegram = FakeTelegram()
        assistant = Assistant(seeded)
        options = {"token": "424242:TEST", "typing_delay": 0.0, **settings}
        builder = ApplicationBuilder().request(telegram).get_updates_request(telegram).updater(None)
        application = build_application(BotSettings(**options), assistant, builder)
        loop = asyncio.new_event_loop()
        loop.run_until_complete(application.initialize())
        loops.append((loop, application))
        return BotHarness(application, telegram, assistant, loop)

    yield make
    for loop, application in loops:
        loop.run_until_complete(application.shutdown())
        loop.close()


@pytest.fixture
def bot(make_bot: Any) -> BotHarness:
    """A bot with default settings (and no typing delay)."""
    return make_bot()
