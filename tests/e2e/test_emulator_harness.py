"""Tests proving the Telegram emulator harness works with a tiny python-telegram-bot Application."""

from __future__ import annotations

import html
import json
import time
from typing import Any

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram_emulator import (
    BOT_USERNAME,
    DEFAULT_USER,
    EmulatorClient,
    EmulatorError,
    TelegramEmulator,
    assert_valid_telegram_html,
    mention_entities,
    running_application,
    telegram_html_to_text,
)

pytestmark = pytest.mark.e2e

USER_ID = DEFAULT_USER["id"]
GROUP_ID = -1001234567890
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Shout", callback_data="shout")]])


def build_app(tg: EmulatorClient, outcomes: list[str] | None = None) -> Application:
    """Build a tiny echo bot against the emulator; `outcomes` collects caught send errors."""
    app = ApplicationBuilder().token(tg.token).base_url(tg.bot_api_base_url).build()
    caught = outcomes if outcomes is not None else []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echo a private text message as HTML with an inline keyboard."""
        assert update.effective_message is not None and update.effective_message.text
        text = html.escape(update.effective_message.text)
        await context.bot.send_chat_action(update.effective_message.chat_id, ChatAction.TYPING)
        await update.effective_message.reply_text(
            f"<b>Echo</b>: {text}",
            parse_mode=ParseMode.HTML,
            reply_markup=KEYBOARD,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def shout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the button and edit the message it belongs to."""
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer("Shouting")
        text = getattr(query.message, "text", "") or ""
        await query.edit_message_text(f"<i>{html.escape(text.upper())}</i>", parse_mode="HTML")

    async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reply with the sender's chat member status (admin-only commands use this)."""
        message = update.effective_message
        assert message is not None and message.from_user is not None
        member = await context.bot.get_chat_member(message.chat_id, message.from_user.id)
        chat = await context.bot.get_chat(message.chat_id)
        admins = await context.bot.get_chat_administrators(message.chat_id)
        await message.reply_text(
            f"status={member.status} chat={chat.type} admins={len(admins)}", do_quote=False
        )

    async def notify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send twice, recording Forbidden/RetryAfter from the first attempt."""
        message = update.effective_message
        assert message is not None
        try:
            await context.bot.send_message(message.chat_id, "first try")
        except Forbidden as err:
            caught.append(f"forbidden: {err.message}")
        except RetryAfter as err:
            caught.append(f"retry_after: {err.message}")
        await context.bot.send_message(message.chat_id, "second try")

    async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer group messages (replies to the bot, mentions) in their topic."""
        message = update.effective_message
        assert message is not None and message.text is not None
        replied = message.reply_to_message is not None
        await message.reply_text(f"heard: {html.escape(message.text)} reply={replied}")

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Acknowledge an edited message."""
        assert update.edited_message is not None
        await update.edited_message.reply_text(f"edited: {update.edited_message.text}")

    async def my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet a chat the bot was added to."""
        change = update.my_chat_member
        assert change is not None
        await context.bot.send_message(
            change.chat.id, f"now {change.new_chat_member.status} in {change.chat.title}"
        )

    app.add_handler(CommandHandler(["status", "ask"], status))
    app.add_handler(CommandHandler("notify", notify))
    app.add_handler(CallbackQueryHandler(shout, pattern="^shout$"))
    app.add_handler(ChatMemberHandler(my_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, echo)
    )
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, group_text)
    )
    return app


def test_telegram_html_validator() -> None:
    """The HTML helper accepts Telegram HTML and rejects what Telegram refuses."""
    assert (
        telegram_html_to_text('<b>a</b> &amp; <a href="https://x.y/?a=1&amp;b=2">l</a>') == "a & l"
    )
    assert assert_valid_telegram_html('<pre><code class="language-py">x</code></pre>') == "x"
    assert assert_valid_telegram_html('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>')
    for bad in [
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "line<br>break",
        "<p>para</p>",
        "a < b",
        "a > b",
        "Tom & Jerry",
        "&nbsp;",
        "<a>no href</a>",
        '<span class="x">s</span>',
        "<code><b>x</b></code>",
        '<b class="x">y</b>',
    ]:
        with pytest.raises(AssertionError):
            assert_valid_telegram_html(bad)
    assert_valid_telegram_html("<b>" + "x" * 4096 + "</b>")
    with pytest.raises(AssertionError, match="too long"):
        assert_valid_telegram_html("😀" * 2049)  # 4098 UTF-16 units
    with pytest.raises(AssertionError, match="empty"):
        assert_valid_telegram_html({"text": "<b> </b>", "parse_mode": "HTML"})


def test_echo_keyboard_callback_edit(tg: EmulatorClient) -> None:
    """A private message gets an HTML reply with a keyboard; pressing it edits the message."""
    with running_application(build_app(tg)):
        sent = tg.send_message("hi <there> & co")
        assert sent["delivered"] and isinstance(sent["message"]["message_id"], int)
        reply = tg.wait_for_message(USER_ID)
        assert isinstance(reply["message_id"], int) and reply["chat_id"] == USER_ID
        assert reply["text"] == "<b>Echo</b>: hi &lt;there&gt; &amp; co"
        assert reply["plain_text"] == "Echo: hi <there> & co"
        assert reply["parse_mode"] == "HTML"
        assert reply["link_preview_options"] == {"is_disabled": True}
        assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "shout"
        assert_valid_telegram_html(reply)
        assert abs(reply["date"] - time.time()) < 60  # seconds, not milliseconds
        tg.wait_for_calls("sendChatAction")

        tg.press_button(USER_ID, reply["message_id"], "shout")
        edited = tg.wait_for_edit(USER_ID, reply["message_id"])
        assert edited["text"] == "<i>ECHO: HI &lt;THERE&gt; &amp; CO</i>"
        assert edited["reply_markup"] is None  # editMessageText without reply_markup drops it
        assert_valid_telegram_html(edited)
        (answer,) = tg.wait_for_calls("answerCallbackQuery")
        assert answer["ok"] and answer["params"]["text"] == "Shouting"
        assert tg.get_message(USER_ID, reply["message_id"])["edit_count"] == 1
        with pytest.raises(EmulatorError, match="no inline button"):
            tg.press_button(USER_ID, reply["message_id"], "nope")


def test_bot_methods_and_chat_members(tg: EmulatorClient) -> None:
    """Harmless methods succeed; getChatMember/getChatAdministrators follow configured statuses."""
    app = build_app(tg)
    with running_application(app) as runner:
        commands = [("ask", "Ask a question"), ("status", "Show status")]
        assert runner.call(app.bot.set_my_commands(commands))
        assert [c.command for c in runner.call(app.bot.get_my_commands())] == ["ask", "status"]
        assert runner.call(app.bot.send_chat_action(USER_ID, ChatAction.TYPING))
        assert runner.call(app.bot.set_chat_menu_button())
        assert runner.call(app.bot.delete_my_commands())
        assert app.bot.username == BOT_USERNAME and app.bot.id == tg.bot_id
        with pytest.raises(BadRequest, match="not supported"):
            runner.call(app.bot.send_dice(USER_ID))
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            runner.call(app.bot.set_my_commands([("Ask", "uppercase is refused")]))

        tg.set_chat_member(GROUP_ID, USER_ID, "administrator", can_promote_members=True)
        tg.send_command("ask", "what?", chat_id=GROUP_ID, mention=True)
        reply = tg.wait_for_message(GROUP_ID)
        assert reply["text"] == "status=administrator chat=supergroup admins=1"
        tg.set_chat_member(GROUP_ID, USER_ID, "member")
        tg.send_command("status", chat_id=GROUP_ID)
        assert tg.wait_for_message(GROUP_ID)["text"] == "status=member chat=supergroup admins=0"
        member = runner.call(app.bot.get_chat_member(GROUP_ID, 42))
        assert member.status == "member"


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
def test_send_failures_surface_as_ptb_errors(tg: EmulatorClient) -> None:
    """Queued 403 and 429 answers reach the bot as Forbidden and RetryAfter."""
    outcomes: list[str] = []
    with running_application(build_app(tg, outcomes)):
        tg.fail_next(chat_id=USER_ID, error_code=403)
        tg.send_command("notify")
        assert tg.wait_for_message(USER_ID)["text"] == "second try"
        assert outcomes == ["forbidden: Forbidden: bot was blocked by the user"]

        tg.fail_next(chat_id=USER_ID, error_code=429, retry_after=7)
        tg.send_command("notify")
        assert tg.wait_for_message(USER_ID)["text"] == "second try"
        assert outcomes[1].startswith("retry_after:") and "7" in outcomes[1]
        failed = [c for c in tg.calls("sendMessage") if not c["ok"]]
        assert [c["error_code"] for c in failed] == [403, 429]


def test_groups_topics_replies_and_raw_updates(tg: EmulatorClient) -> None:
    """Group privacy, forum topics, replies, mentions, edits and my_chat_member all reach PTB."""
    with running_application(build_app(tg)):
        plain = tg.send_group_message(GROUP_ID, "just chatting", is_forum=True)
        assert not plain["delivered"]  # privacy mode: plain group messages are not delivered

        tg.send_command("status", chat_id=GROUP_ID, message_thread_id=7, is_forum=True)
        in_topic = tg.wait_for_message(GROUP_ID)
        assert in_topic["message_thread_id"] == 7

        replied = tg.send_group_message(
            GROUP_ID, "thanks", reply_to_message_id=in_topic["message_id"], message_thread_id=7
        )
        assert replied["delivered"]
        answer = tg.wait_for_message(GROUP_ID)
        assert answer["text"] == "heard: thanks reply=True"
        assert answer["message_thread_id"] == 7
        assert answer["reply_parameters"]["message_id"] == replied["message"]["message_id"]

        text = f"hey @{BOT_USERNAME} look"
        tg.send_update(
            {
                "message": {
                    "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Readers"},
                    "from": {"id": USER_ID, "first_name": "Alice"},
                    "text": text,
                    "entities": mention_entities(text),
                }
            }
        )
        assert tg.wait_for_message(GROUP_ID)["text"].startswith("heard: hey @TestNameBot")
        assert not tg.send_group_message(GROUP_ID, text, entities=mention_entities(text))[
            "delivered"
        ]
        tg.set_privacy_mode(False)
        assert tg.send_group_message(GROUP_ID, text, entities=mention_entities(text))["delivered"]
        assert tg.wait_for_message(GROUP_ID)["text"] == f"heard: {text} reply=False"

        original = tg.send_message("typo")
        tg.wait_for_message(USER_ID)
        edited_message = {**original["message"], "text": "fixed"}
        tg.send_update({"edited_message": edited_message})
        assert tg.wait_for_message(USER_ID)["text"] == "edited: fixed"

        bot_user = {"id": tg.bot_id, "is_bot": True, "first_name": "Bot"}
        tg.send_update(
            {
                "my_chat_member": {
                    "chat": {"id": -4001, "type": "group", "title": "New group"},
                    "from": {"id": USER_ID, "first_name": "Alice"},
                    "old_chat_member": {"user": bot_user, "status": "left"},
                    "new_chat_member": {"user": bot_user, "status": "member"},
                }
            }
        )
        assert tg.wait_for_message(-4001)["text"] == "now member in New group"


def _bot_api(emulator: TelegramEmulator, token: str, method: str, **params: Any) -> httpx.Response:
    """Call the emulator's Bot API directly, as PTB would (form-encoded, JSON values)."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    with httpx.Client(trust_env=False, timeout=10) as client:
        return client.post(f"{emulator.bot_api_base_url}{token}/{method}", data=data)


def test_emulator_protocol(telegram_emulator: TelegramEmulator, tg: EmulatorClient) -> None:
    """Long polling honours timeout/offset; bad requests get 4xx and the emulator survives."""
    token = tg.token
    started = time.monotonic()
    assert _bot_api(telegram_emulator, token, "getUpdates", timeout=1).json()["result"] == []
    assert 0.9 <= time.monotonic() - started < 3

    tg.send_message("one")
    tg.send_message("two")
    first = _bot_api(telegram_emulator, token, "getUpdates", offset=0, timeout=1).json()["result"]
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = _bot_api(telegram_emulator, token, "getUpdates", offset=first[1]["update_id"]).json()
    assert [u["update_id"] for u in again["result"]] == [first[1]["update_id"]]
    assert len(tg.pending_updates()) == 1

    bad = _bot_api(
        telegram_emulator, token, "sendMessage", chat_id=USER_ID, text="x", reply_markup="{not json"
    )
    assert bad.status_code == 400 and bad.json()["ok"] is False
    assert _bot_api(telegram_emulator, token, "sendDice", chat_id=USER_ID).status_code == 400
    assert _bot_api(telegram_emulator, token, "setWebhook", url="https://x").json()["result"]
    assert _bot_api(telegram_emulator, token, "logOut").json() == {"ok": True, "result": True}
    assert _bot_api(telegram_emulator, "not-a-token", "getMe").status_code == 401
    sent = _bot_api(
        telegram_emulator,
        token,
        "sendMessage",
        chat_id=USER_ID,
        text="hello",
        link_preview_options={"is_disabled": True},
        reply_parameters={"message_id": 999_999_999},
    )
    assert sent.status_code == 400 and "replied not found" in sent.json()["description"]

    bad_requests: list[tuple[str, dict[str, Any]]] = [
        ("/sendMessage", {"text": "no token"}),
        ("/sendCommand", {"botToken": token, "chat": {"id": 1, "type": "private"}}),
        ("/sendCallback", {"botToken": token}),
        ("/sendUpdate", {"botToken": token, "update": {"message": "x"}}),
        ("/setChatMember", {"botToken": token, "chatId": 1, "userId": 2, "status": "boss"}),
    ]
    for path, payload in bad_requests:
        with pytest.raises(EmulatorError, match="400"):
            telegram_emulator.post(path, payload)
    assert tg.send_message("still alive")["delivered"]
