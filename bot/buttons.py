"""Inline buttons under answers; callback data holds just an answer id (SQLite has the rest)."""

import re
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from retrieval.conversations.assistant import Votes
from retrieval.language.messages import _

Action = Literal["more", "up", "down", "sub"]
NO_VOTES = Votes()
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


def keyboard(
    answer_id: int,
    more: bool,
    subscribe: bool = False,
    votes: Votes = NO_VOTES,
    mark: bool = False,
) -> InlineKeyboardMarkup:
    """More sources if there may be more, 👍 / 👎 with counts, and an alert offer if asked."""
    row = _vote_buttons(answer_id, votes, mark)
    if more:
        more_button = InlineKeyboardButton(_("More sources"), callback_data=data("more", answer_id))
        row.insert(0, more_button)
    rows = [row]
    if subscribe:
        offer = InlineKeyboardButton(
            "🔔 " + _("Alert me when articles cover this"), callback_data=data("sub", answer_id)
        )
        rows.insert(0, [offer])
    return InlineKeyboardMarkup(rows)


def with_votes(
    markup: InlineKeyboardMarkup | None, answer_id: int, votes: Votes, mark: bool
) -> InlineKeyboardMarkup:
    """The same buttons with the vote buttons showing the votes (only those, if none)."""
    if markup is None:
        return keyboard(answer_id, more=False, votes=votes, mark=mark)
    fresh = {button.callback_data: button for button in _vote_buttons(answer_id, votes, mark)}
    return InlineKeyboardMarkup(
        [
            [fresh.get(button.callback_data, button) for button in row]
            for row in markup.inline_keyboard
        ]
    )


def _vote_buttons(answer_id: int, votes: Votes, mark: bool) -> list[InlineKeyboardButton]:
    """👍 and 👎 with their counts; the vote that counts highlighted when marked."""
    up = _vote_button("👍", votes.up, data("up", answer_id), mark and votes.mine > 0)
    down = _vote_button("👎", votes.down, data("down", answer_id), mark and votes.mine < 0)
    return [up, down]


def _vote_button(emoji: str, count: int, callback: str, marked: bool) -> InlineKeyboardButton:
    """One vote button: "👍" or "👍 2", highlighted (Telegram's "primary" style) when marked."""
    label = f"{emoji} {count}" if count else emoji
    return InlineKeyboardButton(label, callback_data=callback, style="primary" if marked else None)
