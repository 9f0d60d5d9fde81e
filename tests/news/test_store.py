"""The feed store, on SQLite and on PostgreSQL alike."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from retrieval.core.database import Database, open_target
from retrieval.news.store import MAX_BACKOFF, FeedNotFound, ItemState, open_feeds
from tests.conftest import put_article

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def test_a_feed_is_followed_once_and_polled_when_due(database: Database) -> None:
    feeds = open_feeds(database)
    feed, new = feeds.add("HTTPS://Wire.example/rss", added_by=7)
    again, new_again = feeds.add("https://wire.example/rss")
    assert new and not new_again and again == feed
    assert feeds.by_url("https://wire.example/rss") == feed == feeds.get(feed.id)
    assert [f.id for f in feeds.claim_due(NOW, LEASE)] == [feed.id]  # due at once
    assert feeds.claim_due(NOW, LEASE) == []  # claimed: another poller leaves it alone
    assert [f.id for f in feeds.claim_due(NOW + LEASE, LEASE)] == [feed.id]  # lease over
    feeds.polled(feed, NOW, title="Wire", etag='"v1"', warning="2 items without a link")
    polled = feeds.get(feed.id)
    assert (polled.title, polled.etag, polled.last_warning, polled.errors) == (
        "Wire",
        '"v1"',
        "2 items without a link",
        0,
    )
    assert feeds.claim_due(NOW, LEASE) == []
    assert feeds.claim_due(NOW + timedelta(minutes=15), LEASE)[0].title == "Wire"
    feeds.polled(polled, NOW, last_modified="Wed, 01 May 2024 08:00:00 GMT", unchanged=True)
    kept = feeds.get(feed.id)
    assert kept.etag == '"v1"'  # a poll without validators keeps the old ones
    assert kept.last_warning == "2 items without a link"  # an unchanged feed keeps its warning


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
    retry = (1, NOW + timedelta(minutes=10))
    feeds.record_item(feed.id, "g1", "https://wire.example/1", "h2", second, page=retry)
    feeds.record_item(other.id, "g1", None, "h9", first)
    assert feeds.items(feed.id) == {"g1": ItemState("h2", 1, "2024-05-01T08:10:00+00:00")}
    assert not feeds.page_retry_due(feed.id, NOW)
    assert feeds.page_retry_due(feed.id, NOW + timedelta(minutes=10))
    assert not feeds.page_retry_due(other.id, NOW + timedelta(minutes=10))
    assert feeds.remove(feed.id) == feed
    assert [f.id for f in feeds.all()] == [other.id]
    assert feeds.items(feed.id) == {} and feeds.items(other.id) == {"g1": ItemState("h9", 0, None)}
    with pytest.raises(FeedNotFound):
        feeds.get(feed.id)
    assert database.articles([first, second]).keys() == {first, second}  # the articles stay


def test_pollers_claiming_at_once_share_no_feed(database_target: str) -> None:
    first, second = open_target(database_target), open_target(database_target)
    feeds = [open_feeds(first), open_feeds(second)]
    ids = {feeds[0].add(f"https://wire{n}.example/rss")[0].id for n in range(40)}
    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(lambda n: feeds[n % 2].claim_due(NOW, LEASE), range(16)))
    claimed = [feed.id for claim in claims for feed in claim]
    assert sorted(claimed) == sorted(ids)  # each due feed once, none left out
    first.close(), second.close()
