"""The feed store, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest

from retrieval.core.database import Database
from retrieval.news.store import MAX_BACKOFF, FeedNotFound, open_feeds
from tests.conftest import put_article

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def test_a_feed_is_followed_once_and_polled_when_due(database: Database) -> None:
    feeds = open_feeds(database)
    feed, new = feeds.add("HTTPS://Wire.example/rss", added_by=7)
    again, new_again = feeds.add("https://wire.example/rss")
    assert new and not new_again and again == feed
    assert feeds.by_url("https://wire.example/rss") == feed == feeds.get(feed.id)
    assert feeds.due(NOW) == [feed]  # due at once
    feeds.polled(feed, NOW, title="Wire", etag='"v1"', warning="2 items without a link")
    polled = feeds.get(feed.id)
    assert (polled.title, polled.etag, polled.last_error, polled.errors) == (
        "Wire",
        '"v1"',
        "2 items without a link",
        0,
    )
    assert feeds.due(NOW) == []
    assert feeds.due(NOW + timedelta(minutes=15)) == [polled]
    feeds.polled(polled, NOW, last_modified="Wed, 01 May 2024 08:00:00 GMT")
    assert feeds.get(feed.id).etag == '"v1"'  # a poll without validators keeps the old ones


def test_a_failing_feed_backs_off_up_to_a_day(database: Database) -> None:
    feeds = open_feeds(database)
    feed, _ = feeds.add("https://down.example/rss")
    for _ in range(8):
        feeds.failed(feeds.get(feed.id), NOW, "HTTP 503" * 100)
    failed = feeds.get(feed.id)
    assert failed.errors == 8 and len(failed.last_error or "") == 500
    assert datetime.fromisoformat(failed.next_poll_at) - NOW == MAX_BACKOFF
    feeds.polled(failed, NOW)
    assert feeds.get(feed.id).errors == 0 and feeds.get(feed.id).last_error is None


def test_items_are_remembered_and_forgotten_with_their_feed(database: Database) -> None:
    feeds = open_feeds(database)
    feed, _ = feeds.add("https://wire.example/rss")
    other, _ = feeds.add("https://other.example/rss")
    first = put_article(database, "First")
    second = put_article(database, "Second")
    feeds.record_item(feed.id, "g1", "https://wire.example/1", "h1", first)
    feeds.record_item(feed.id, "g1", "https://wire.example/1", "h2", second)  # changed
    feeds.record_item(other.id, "g1", None, "h9", first)
    assert feeds.item_hashes(feed.id) == {"g1": "h2"}
    assert feeds.remove(feed.id) == feed
    assert [f.id for f in feeds.all()] == [other.id]
    assert feeds.item_hashes(feed.id) == {} and feeds.item_hashes(other.id) == {"g1": "h9"}
    with pytest.raises(FeedNotFound):
        feeds.get(feed.id)
    assert database.articles([first, second]).keys() == {first, second}  # the articles stay
