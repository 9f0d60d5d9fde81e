"""/feeds in Telegram HTML: each feed's last error apart from what its last poll left out."""

from dataclasses import replace

from bot.alerts.render import feeds_message
from retrieval.news.store import FeedRecord
from tests.e2e.telegram_emulator import assert_valid_telegram_html


def test_feeds_show_errors_apart_from_warnings() -> None:
    feed = FeedRecord(3, "https://wire.example/rss", "Wire", 15, None, None, None, "", None, 0)
    failing = replace(feed, last_error="answered HTTP 503 <down>", errors=2)
    capped = replace(feed, id=4, last_warning="the feed lists 10,000 items; read the newest 200")
    text = assert_valid_telegram_html(feeds_message([failing, capped]))
    assert "#3 Wire\n    ⚠️ answered HTTP 503 <down>\n#4 Wire" in text
    assert text.endswith("#4 Wire\n    📝 the feed lists 10,000 items; read the newest 200")
