"""Callback data: small, ours, and parsed strictly."""

from bot.buttons import Press, data, keyboard, parse


def test_callback_data_round_trips_and_fits() -> None:
    assert parse(data("more", 123)) == Press("more", 123)
    assert len(data("down", 10**18 - 1).encode()) <= 64
    for foreign in [None, "", "more:", "more:x", "drop:1", "up:1:2", "up:" + "9" * 30]:
        assert parse(foreign) is None


def test_keyboard() -> None:
    rows = keyboard(7, more=True).inline_keyboard
    assert [b.callback_data for b in rows[0]] == ["more:7", "up:7", "down:7"]
    assert [b.text for b in keyboard(7, more=False).inline_keyboard[0]] == ["👍", "👎"]
