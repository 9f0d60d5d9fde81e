"""Harness for end-to-end tests: the Telegram Bot API emulator (tests/e2e/emulator) and helpers.

The emulator is a Node process (``node launcher.js``) serving the Bot API on 127.0.0.1; point a
python-telegram-bot ``Application`` at :attr:`EmulatorClient.bot_api_base_url` and drive it as a
fake user through :class:`EmulatorClient`. :func:`running_application` runs an ``Application`` in a
background thread (like ``run_polling`` would, minus signal handling) so test bodies stay sync.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import html
import os
import queue
import re
import secrets
import shutil
import subprocess
import threading
import time
import traceback
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

if TYPE_CHECKING:
    from telegram.ext import Application

EMULATOR_DIR = Path(__file__).resolve().parent / "emulator"
BOT_USERNAME = "TestNameBot"
DEFAULT_USER: dict[str, Any] = {"id": 5550001, "first_name": "Alice", "username": "alice_test"}
TELEGRAM_MAX_MESSAGE_LENGTH = 4096
INSTALL_HINT = "run `make test` or `npm ci --prefix tests/e2e/emulator` (needs Node >= 18)"

T = TypeVar("T")


class EmulatorError(RuntimeError):
    """The emulator process failed to start or rejected a client request."""


class EmulatorTimeout(AssertionError):
    """A wait on the emulator ran past its deadline."""


def emulator_unavailable_reason(emulator_dir: Path = EMULATOR_DIR) -> str | None:
    """Return why the emulator cannot run here (no node / not installed), or None if it can."""
    if shutil.which("node") is None:
        return f"`node` is not on PATH; install Node.js and {INSTALL_HINT}"
    if not (emulator_dir / "node_modules" / "telegram-test-api").is_dir():
        return f"the Telegram emulator is not installed; {INSTALL_HINT}"
    return None


def new_token() -> str:
    """Return a fresh random bot token; its bot id is the number before the colon."""
    return f"{1_000_000_000 + secrets.randbelow(8_000_000_000)}:TEST"


def utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """Return the bot_command entity for a text starting with /command[@bot]."""
    match = re.match(r"/\S+", text)
    if match is None:
        raise ValueError(f"not a command: {text!r}")
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def mention_entities(text: str, username: str = BOT_USERNAME) -> list[dict[str, Any]]:
    """Return mention entities for every @username occurrence in text."""
    entities = []
    for match in re.finditer(rf"@{re.escape(username)}\b", text):
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return entities


# ------------------------------------------------------------------------------------------------
# Telegram HTML validation (the emulator accepts anything; Telegram does not)
# ------------------------------------------------------------------------------------------------


class TelegramHTMLError(ValueError):
    """Text that Telegram would refuse with "can't parse entities"."""


_SIMPLE_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler"}
_ALLOWED_TAGS = _SIMPLE_TAGS | {"a", "code", "pre", "blockquote", "span", "tg-emoji"}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def _parse_attrs(raw: str, tag: str, where: int) -> dict[str, str | None]:
    """Parse and decode the attributes of one tag."""
    attrs: dict[str, str | None] = {}
    for name, value in _ATTR_RE.findall(raw):
        if value and value[0] in "\"'":
            value = value[1:-1]
        if value and ("<" in value or re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);)", value)):
            raise TelegramHTMLError(f"unescaped character in attribute of <{tag}> at {where}")
        attrs[name.lower()] = html.unescape(value) if value else None
    return attrs


def _check_attrs(tag: str, attrs: dict[str, str | None], stack: list[str], where: int) -> None:
    """Check a tag's attributes and nesting against Telegram's rules."""
    allowed: dict[str, set[str]] = {
        "a": {"href"},
        "span": {"class"},
        "tg-emoji": {"emoji-id"},
        "code": {"class"},
        "blockquote": {"expandable"},
    }
    extra = set(attrs) - allowed.get(tag, set())
    if extra:
        raise TelegramHTMLError(f"unsupported attribute(s) {sorted(extra)} on <{tag}> at {where}")
    if tag == "a" and not attrs.get("href"):
        raise TelegramHTMLError(f"<a> without href at {where}")
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise TelegramHTMLError(f'<span> needs class="tg-spoiler" at {where}')
    if tag == "tg-emoji" and not attrs.get("emoji-id"):
        raise TelegramHTMLError(f"<tg-emoji> without emoji-id at {where}")
    in_pre = bool(stack) and stack[-1] == "pre"
    code_class = attrs.get("class") if tag == "code" else None
    if code_class is not None and not (in_pre and code_class.startswith("language-")):
        raise TelegramHTMLError(f'<code class="..."> is only allowed directly in <pre> at {where}')
    if any(open_tag in ("code", "pre") for open_tag in stack) and not (
        tag == "code" and stack[-1] == "pre"
    ):
        raise TelegramHTMLError(f"<{tag}> inside <{stack[-1]}> at {where}")
    if tag == "a" and "a" in stack:
        raise TelegramHTMLError(f"nested <a> at {where}")
    if tag == "blockquote" and "blockquote" in stack:
        raise TelegramHTMLError(f"nested <blockquote> at {where}")


def telegram_html_to_text(text: str) -> str:
    """Parse Telegram HTML like the Bot API does and return the plain text; raise if invalid."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG_RE.match(text, pos)
            if match is None:
                raise TelegramHTMLError(
                    f"unescaped '<' or malformed tag at {pos}: {text[pos : pos + 30]!r}"
                )
            closing, tag, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
            if tag not in _ALLOWED_TAGS:
                raise TelegramHTMLError(f"unsupported tag <{closing}{tag}> at {pos}")
            if closing:
                if raw_attrs.strip():
                    raise TelegramHTMLError(f"attributes on closing tag </{tag}> at {pos}")
                if not stack or stack[-1] != tag:
                    expected = f"</{stack[-1]}>" if stack else "no closing tag"
                    raise TelegramHTMLError(f"unexpected </{tag}> at {pos}, expected {expected}")
                stack.pop()
            else:
                _check_attrs(tag, _parse_attrs(raw_attrs, tag, pos), stack, pos)
                stack.append(tag)
            pos = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(text, pos)
            if match is None:
                raise TelegramHTMLError(
                    f"unescaped '&' or unsupported entity at {pos}: {text[pos : pos + 12]!r}"
                )
            out.append(html.unescape(match.group()))
            pos = match.end()
        elif char == ">":
            raise TelegramHTMLError(f"unescaped '>' at {pos}")
        else:
            out.append(char)
            pos += 1
    if stack:
        raise TelegramHTMLError(f"unclosed tag(s): {', '.join(f'<{t}>' for t in stack)}")
    return "".join(out)


def assert_valid_telegram_html(message: dict[str, Any] | str) -> str:
    """Assert a bot message (emulator dict or text) is valid Telegram HTML, ≤4096 chars parsed."""
    parse_mode: str | None = "HTML"
    if isinstance(message, str):
        text = message
    else:
        text = str(message.get("text") or "")
        parse_mode = message.get("parse_mode")
    if parse_mode == "HTML":
        try:
            plain = telegram_html_to_text(text)
        except TelegramHTMLError as err:
            raise AssertionError(f"invalid Telegram HTML: {err}\n--- text ---\n{text}") from None
    else:
        plain = text
    if not plain.strip():
        raise AssertionError("message text is empty after entity parsing")
    length = utf16_len(plain)
    if length > TELEGRAM_MAX_MESSAGE_LENGTH:
        raise AssertionError(
            f"message is too long: {length} > {TELEGRAM_MAX_MESSAGE_LENGTH} UTF-16 units (parsed)"
        )
    return plain


# ------------------------------------------------------------------------------------------------
# The emulator process
# ------------------------------------------------------------------------------------------------


class TelegramEmulator:
    """The Node emulator process: start, stop, URLs, and per-bot clients."""

    def __init__(
        self,
        emulator_dir: Path = EMULATOR_DIR,
        *,
        node: str | None = None,
        startup_timeout: float = 15.0,
        verbose: bool = False,
    ) -> None:
        """Configure (not start) an emulator in emulator_dir, run with `node`."""
        self.emulator_dir = emulator_dir
        self.node = node or shutil.which("node") or "node"
        self.startup_timeout = startup_timeout
        self.verbose = verbose
        self.port: int | None = None
        self._process: subprocess.Popen[str] | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=200)
        self._http: httpx.Client | None = None

    @property
    def root_url(self) -> str:
        """Return http://127.0.0.1:<port>, the emulator's root URL."""
        if self.port is None:
            raise EmulatorError("the emulator is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def bot_api_base_url(self) -> str:
        """Return the base_url for ApplicationBuilder (PTB appends <token>/<method>)."""
        return f"{self.root_url}/bot"

    def start(self) -> None:
        """Start `node launcher.js` and wait for its LISTENING line."""
        if self._process is not None:
            return
        args = [self.node, "launcher.js", "--port", "0", "--exit-on-stdin-close"]
        if self.verbose:
            args.append("--verbose")
        process = subprocess.Popen(
            args,
            cwd=self.emulator_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._process = process
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(process.stdout, lines), daemon=True).start()
        threading.Thread(target=self._pump, args=(process.stderr, None), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while self.port is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise EmulatorError(f"emulator did not start:\n{self.logs()}")
            match = re.fullmatch(r"LISTENING (\d+)", line.strip())
            if match:
                self.port = int(match.group(1))
        self._http = httpx.Client(base_url=self.root_url, timeout=10.0, trust_env=False)
        self._request("GET", "/health")

    def _pump(self, stream: Any, lines: queue.Queue[str | None] | None) -> None:
        """Read a pipe of the process until EOF, forwarding stdout lines and keeping stderr."""
        for line in stream:
            if lines is not None:
                lines.put(line)
            else:
                self._stderr_tail.append(line.rstrip("\n"))
        if lines is not None:
            lines.put(None)

    def logs(self) -> str:
        """Return the last lines the emulator wrote to stderr."""
        return "\n".join(self._stderr_tail)

    def stop(self) -> None:
        """Stop the emulator process (SIGTERM, then SIGKILL after 5 s)."""
        if self._http is not None:
            self._http.close()
            self._http = None
        process, self._process = self._process, None
        self.port = None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()

    def __enter__(self) -> TelegramEmulator:
        """Start the emulator."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the emulator."""
        self.stop()

    def client(self, token: str | None = None) -> EmulatorClient:
        """Return a client for one bot (a fresh random token unless given)."""
        return EmulatorClient(self, token or new_token())

    def _request(
        self, method: str, path: str, json: dict[str, Any] | None = None, *, timeout: float = 10.0
    ) -> Any:
        """Send one request to the emulator; return its `result` or raise EmulatorError."""
        if self._http is None:
            raise EmulatorError("the emulator is not running")
        try:
            response = self._http.request(method, path, json=json, timeout=timeout)
        except httpx.HTTPError as err:
            raise EmulatorError(f"{method} {path} failed: {err!r}\n{self.logs()}") from err
        try:
            body = response.json()
        except ValueError:
            body = {"ok": False, "description": response.text}
        if response.status_code != 200 or not body.get("ok"):
            raise EmulatorError(
                f"{method} {path} -> {response.status_code}: {body.get('description')}"
            )
        return body["result"]

    def post(self, path: str, payload: dict[str, Any], *, wait: float = 0.0) -> Any:
        """POST a client-API request; `wait` is the server-side long-poll time in seconds."""
        return self._request("POST", path, {**payload, "timeout": wait}, timeout=wait + 10.0)


# ------------------------------------------------------------------------------------------------
# One bot, seen from the fake users' side
# ------------------------------------------------------------------------------------------------


class EmulatorClient:
    """Client-side API of the emulator for one bot token: act as users and inspect the bot."""

    def __init__(self, emulator: TelegramEmulator, token: str) -> None:
        """Bind a client to a running emulator and a bot token."""
        self.emulator = emulator
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = BOT_USERNAME
        self._cursors: dict[int | None, int] = {}

    @property
    def bot_api_base_url(self) -> str:
        """Return the base_url for ApplicationBuilder().token(self.token).base_url(...)."""
        return self.emulator.bot_api_base_url

    def _post(
        self, path: str, fields: dict[str, Any] | None = None, *, wait: float = 0.0, **more: Any
    ) -> Any:
        """POST a client request for this bot; None values are left out."""
        payload = {**(fields or {}), **more}
        body = {key: value for key, value in payload.items() if value is not None}
        return self.emulator.post(path, {"botToken": self.token, **body}, wait=wait)

    @staticmethod
    def _user(
        user_id: int, first_name: str | None, username: str | None, language_code: str | None = None
    ) -> dict[str, Any]:
        """Return a User dict, defaulting to DEFAULT_USER's names for DEFAULT_USER's id."""
        default = user_id == DEFAULT_USER["id"]
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name
            or (DEFAULT_USER["first_name"] if default else f"User{user_id}"),
        }
        name = username or (DEFAULT_USER["username"] if default else None)
        if name:
            user["username"] = name
        if language_code:
            user["language_code"] = language_code  # as the person's Telegram app sets it
        return user

    @staticmethod
    def _group_chat(
        chat_id: int, chat_type: str | None, title: str | None, is_forum: bool | None
    ) -> dict[str, Any]:
        """Return a group/supergroup Chat dict for a negative chat id."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = chat_type or ("supergroup" if chat_id <= -1_000_000_000_000 or is_forum else "group")
        chat: dict[str, Any] = {"id": chat_id, "type": kind, "title": title or f"Group {chat_id}"}
        if is_forum:
            chat["is_forum"] = True
        return chat

    # --- acting as users -----------------------------------------------------------------------

    def send_message(
        self,
        text: str,
        *,
        user_id: int = DEFAULT_USER["id"],
        first_name: str | None = None,
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Send a private message from a user; return {update_id, delivered, message}."""
        user = self._user(user_id, first_name, username, language_code)
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return self._post(
            "/sendMessage",
            {"from": user},
            chat=chat,
            text=text,
            entities=entities,
            replyToMessageId=reply_to_message_id,
        )

    def send_group_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int = DEFAULT_USER["id"],
        first_name: str | None = None,
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        is_forum: bool | None = None,
    ) -> dict[str, Any]:
        """Send a message in a group (negative id, optional reply/topic); see ["delivered"]."""
        return self._post(
            "/sendMessage",
            {"from": self._user(user_id, first_name, username)},
            chat=self._group_chat(chat_id, chat_type, title, is_forum),
            text=text,
            entities=entities,
            replyToMessageId=reply_to_message_id,
            messageThreadId=message_thread_id,
        )

    def send_command(
        self,
        command: str,
        args: str = "",
        *,
        chat_id: int | None = None,
        mention: bool | str = False,
        user_id: int = DEFAULT_USER["id"],
        first_name: str | None = None,
        username: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        is_forum: bool | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Send /command[@bot] args in a private chat (default) or a group (chat_id < 0)."""
        text = "/" + command.lstrip("/")
        if mention:
            text += "@" + (self.bot_username if mention is True else str(mention))
        if args:
            text += " " + args
        if chat_id is not None and chat_id < 0:
            return self.send_group_message(
                chat_id,
                text,
                user_id=user_id,
                first_name=first_name,
                username=username,
                entities=command_entities(text),
                reply_to_message_id=reply_to_message_id,
                message_thread_id=message_thread_id,
                is_forum=is_forum,
            )
        return self.send_message(
            text,
            user_id=chat_id or user_id,
            first_name=first_name,
            username=username,
            entities=command_entities(text),
            reply_to_message_id=reply_to_message_id,
            language_code=language_code,
        )

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int = DEFAULT_USER["id"],
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Press the inline button with callback_data on a bot message; return the ids."""
        return self._post(
            "/sendCallback",
            {"from": self._user(user_id, first_name, username)},
            chatId=chat_id,
            messageId=message_id,
            data=callback_data,
        )

    def send_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Inject a raw update (missing message ids/dates filled in); return {update_id, update}."""
        return self._post("/sendUpdate", update=update)

    # --- configuring the world -----------------------------------------------------------------

    def set_chat(self, chat: dict[str, Any]) -> dict[str, Any]:
        """Register chat details (title, is_forum, username...) for getChat and messages."""
        return self._post("/setChat", chat=chat)

    def set_chat_member(
        self,
        chat_id: int,
        user_id: int,
        status: str,
        *,
        user: dict[str, Any] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Set a user's status (creator/administrator/member/restricted/left/kicked) in a chat."""
        return self._post(
            "/setChatMember",
            chatId=chat_id,
            userId=user_id,
            status=status,
            user=user,
            fields=fields,
        )

    def set_privacy_mode(self, enabled: bool) -> None:
        """Turn group privacy mode on (default, like Telegram) or off for this bot."""
        self._post("/setPrivacyMode", enabled=enabled)

    def fail_next(
        self,
        *,
        method: str = "sendMessage",
        chat_id: int | None = None,
        error_code: int = 403,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next `count` calls of `method` (to chat_id or any chat) fail with error_code."""
        self._post(
            "/failNext",
            method=method,
            chatId=chat_id,
            errorCode=error_code,
            description=description,
            retryAfter=retry_after,
            count=count,
        )

    # --- inspecting the bot --------------------------------------------------------------------

    def bot_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Return every message the bot sent (to chat_id, or anywhere), oldest first."""
        return list(self._post("/getBotMessages", chatId=chat_id))

    def wait_for_messages(
        self, chat_id: int | None, count: int = 1, *, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait for the next `count` bot messages in chat_id (None: any chat) not yet returned."""
        after = self._cursors.get(chat_id, 0)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            found = self._post(
                "/getBotMessages",
                wait=max(0.0, min(remaining, 5.0)),
                chatId=chat_id,
                afterSeq=after,
                minCount=count,
            )
            if len(found) >= count:
                taken = found[:count]
                self._cursors[chat_id] = taken[-1]["seq"]
                return list(taken)
            if time.monotonic() >= deadline:
                raise EmulatorTimeout(
                    f"waited {timeout}s for {count} bot message(s) in chat {chat_id}, got "
                    f"{len(found)}: {[m['text'] for m in found]}\n{self._failed_calls_summary()}"
                )

    def wait_for_message(self, chat_id: int | None, *, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the next bot message in chat_id."""
        return self.wait_for_messages(chat_id, 1, timeout=timeout)[0]

    def get_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """Return the stored bot message (current text/markup after edits, `deleted` flag)."""
        return dict(self._post("/getBotMessage", chatId=chat_id, messageId=message_id))

    def wait_for_edit(
        self, chat_id: int, message_id: int, *, edits: int = 1, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Wait until a bot message has been edited at least `edits` times; return it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            message = self._post(
                "/getBotMessage",
                wait=max(0.0, min(remaining, 5.0)),
                chatId=chat_id,
                messageId=message_id,
                minEditCount=edits,
            )
            if message["edit_count"] >= edits:
                return dict(message)
            if time.monotonic() >= deadline:
                raise EmulatorTimeout(
                    f"waited {timeout}s for {edits} edit(s) of message {message_id} in chat "
                    f"{chat_id}; it has {message['edit_count']}\n{self._failed_calls_summary()}"
                )

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return the bot's Bot API calls (except getUpdates), optionally of one method."""
        return list(self._post("/getCalls", method=method))

    def wait_for_calls(
        self, method: str, count: int = 1, *, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has made at least `count` calls of `method`; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            found = self._post(
                "/getCalls", wait=max(0.0, min(remaining, 5.0)), method=method, minCount=count
            )
            if len(found) >= count:
                return list(found)
            if time.monotonic() >= deadline:
                raise EmulatorTimeout(
                    f"waited {timeout}s for {count} {method} call(s), got {len(found)}\n"
                    f"{self._failed_calls_summary()}"
                )

    def pending_updates(self) -> list[dict[str, Any]]:
        """Return updates the bot has not yet confirmed (fetched and moved past) via getUpdates."""
        return list(self._post("/getPendingUpdates"))

    def _failed_calls_summary(self) -> str:
        """Describe the bot's failed Bot API calls, to explain a timeout."""
        try:
            failed = [c for c in self.calls() if not c["ok"]]
        except EmulatorError as err:
            return f"(could not read the call log: {err})"
        if not failed:
            return "no failed Bot API calls"
        return "failed Bot API calls: " + "; ".join(
            f"{c['method']} -> {c.get('error_code')} {c.get('description')}" for c in failed
        )


# ------------------------------------------------------------------------------------------------
# Running a python-telegram-bot Application in a background thread
# ------------------------------------------------------------------------------------------------


class RunningApplication:
    """A PTB Application polling in its own thread and event loop; records handler errors."""

    def __init__(self, application: Application, *, poll_timeout: int = 10) -> None:
        """Wrap an Application (built with the emulator base_url) that is not yet initialized."""
        self.application = application
        self.poll_timeout = poll_timeout
        self.errors: list[tuple[object, BaseException]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._run, name="ptb-application", daemon=True)

    async def _record_error(self, update: object, context: Any) -> None:
        """Error handler: remember every handler error so the test fails."""
        self.errors.append((update, context.error))

    def _run(self) -> None:
        """Thread body: run the application's lifecycle in a fresh event loop."""
        try:
            asyncio.run(self._main())
        except BaseException as err:  # reported through the future
            if not self._started.done():
                self._started.set_exception(err)

    async def _main(self) -> None:
        """Do run_polling's steps by hand: initialize, post_init, polling, start; then tear down."""
        app = self.application
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app.add_error_handler(self._record_error)
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            assert app.updater is not None, "build the Application with an Updater"
            await app.updater.start_polling(poll_interval=0.0, timeout=self.poll_timeout)
            await app.start()
            self._started.set_result(None)
            await self._stop.wait()
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)

    def start(self, timeout: float = 15.0) -> None:
        """Start the thread and wait until the application is polling."""
        self._thread.start()
        self._started.result(timeout=timeout)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop polling and shut the application down."""
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            raise RuntimeError("the application did not stop in time")

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run a coroutine (e.g. app.bot.set_my_commands(...)) on the application's loop."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("the application is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=timeout)

    def error_report(self) -> AssertionError | None:
        """Return an AssertionError describing the recorded handler errors, or None."""
        if not self.errors:
            return None
        details = "\n".join(
            f"update={update!r}\n" + "".join(traceback.format_exception(error))
            for update, error in self.errors
        )
        return AssertionError(f"{len(self.errors)} error(s) in bot handlers:\n{details}")


@contextlib.contextmanager
def running_application(
    application: Application, *, poll_timeout: int = 10
) -> Iterator[RunningApplication]:
    """Run an Application against the emulator for the with-block; fail on handler errors."""
    runner = RunningApplication(application, poll_timeout=poll_timeout)
    runner.start()
    try:
        yield runner
    except BaseException as err:
        runner.stop()
        report = runner.error_report()
        if report is not None:
            raise report from err
        raise
    runner.stop()
    report = runner.error_report()
    if report is not None:
        raise report


def ensure_no_proxy(hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> dict[str, str]:
    """Return NO_PROXY/no_proxy values that include hosts, for httpx clients created in tests."""
    values = {}
    for name in ("NO_PROXY", "no_proxy"):
        current = [h.strip() for h in os.environ.get(name, "").split(",") if h.strip()]
        values[name] = ",".join(current + [h for h in hosts if h not in current])
    return values
