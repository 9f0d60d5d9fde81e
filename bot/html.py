"""Telegram HTML shared by every message: its length as Telegram counts it, and packing."""

import re
from collections.abc import Sequence
from html import unescape

MAX_MESSAGE = 4096
MAX_TITLE = 300

_TAG = re.compile(r"<[^>]*>")


def visible_length(html: str) -> int:
    """Length of the text Telegram shows for our HTML, in UTF-16 code units (its limits' unit)."""
    return len(unescape(_TAG.sub("", html)).encode("utf-16-le")) // 2


def pack(blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join whole HTML blocks into as few messages as fit the limit; no block is ever split."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}\n\n{block}" if current else block
        if current and visible_length(joined) > limit:
            messages.append(current)
            joined = block
        current = joined
    if current:
        messages.append(current)
    return messages
