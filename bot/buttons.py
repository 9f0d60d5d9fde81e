"""Inline buttons under answers; callback data holds just an answer id (SQLite has the rest)."""

import re
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

Action = Literal["more", "up", "down", "sub"]
_DATA = re.compile(r"^(more|up|down|sub):\d{1,18}$")


@dataclass(frozen=True)
class Press:
    """A pressed button: what it asks for, about which answer."""

    action: Action
    answer_id: int


def data(action: Action, answer_id: int) -> str:
    """The callback data of a button (well under Telegram's 64 bytes)."""
    return f"{action}:{answer_id}"


def parse(callback_data: str | None) -> Press | None:
    """The press a callback's data describes, or None for data that is not ours."""
    if not callback_data or not _DATA.match(callback_data):
        return None
    action, answer_id = callback_data.split(":")
    return Press(action, int(answer_id))  # type: ignore[arg-type]


def keyboard(answer_id: int, more: bool, subscribe: bool = False) -> InlineKeyboardMarkup:
    """More sources (if there may be more), 👍 / 👎, and after an abstention an alert offer."""
    row = [
        InlineKeyboardButton("👍", callback_data=data("up", answer_id)),
        InlineKeyboardButton("👎", callback_data=data("down", answer_id)),
    ]
    if more:
        row.insert(0, InlineKeyboardButton("More sources", callback_data=data("more", answer_id)))
    rows = [row]
    if subscribe:
        offer = InlineKeyboardButton(
            "🔔 Alert me when articles cover this", callback_data=data("sub", answer_id)
        )
        rows.insert(0, [offer])
    return InlineKeyboardMarkup(rows)
