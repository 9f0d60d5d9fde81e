"""Callback data: small, ours, and parsed strictly."""

from bot.buttons import Press, data, keyboard, parse
from retrieval.conversations.assistant import Votes


def test_callback_data_round_trips_and_fits() -> None:
    assert parse(data("more", 123)) == Press("more", 123)
    assert len(data("down", 10**18 - 1).encode()) <= 64
    for foreign in [None, "", "more:", "more:x", "drop:1", "up:1:2", "up:" + "9" * 30]:
        assert parse(foreign) is None


def test_keyboard() -> None:
    rows = keyboard(7, more=True).inline_keyboard
    assert [b.callback_data for b in rows[0]] == ["more:7", "up:7", "down:7"]
    assert [b.text for b in keyboard(7, more=False).inline_keyboard[0]] == ["👍", "👎"]


def test_vote_counts_and_the_marked_vote() -> None:
    votes = Votes(up=2, down=1, mine=-1)
    up, down = keyboard(7, more=False, votes=votes, mark=True).inline_keyboard[0]
    assert (up.text, up.style, down.text, down.style) == ("👍 2", None, "👎 1", "primary")
    up, down = keyboard(7, more=False, votes=votes).inline_keyboard[0]
    assert down.style is None
