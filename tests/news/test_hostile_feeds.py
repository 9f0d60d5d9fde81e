"""Hostile and broken feeds: slow servers, slow pages, odd links, shared GUIDs, endless feeds."""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from retrieval.alerts.store import open_alerts
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from retrieval.news import poller as poller_module
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder, ManualClock
from tests.feedserver import FeedServer, page, rss
from tests.news.test_poller import PHISHING, RANSOMWARE, SATELLITE, follow, item, stored_texts

TEASER = "Police arrested four suspects."  # short: the page is fetched for the full text


def test_a_feed_trickling_its_headers_stops_no_other_feed(
    collection: Collection, feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.trickle("/stuck.xml", rss([item(9, SATELLITE)]), seconds=20, pause=0.5)
    feed_server.trickle("/stuck-page", page("Stuck", [RANSOMWARE]), seconds=20, pause=0.5)
    feed_server.set(
        "/teasers.xml", rss([item(4, TEASER, link=feed_server.url("/stuck-page"))], title="T")
    )
    feed_server.set("/good.xml", rss([item(1, RANSOMWARE), item(2, PHISHING)]))
    poller = Poller(collection, Fetcher(frozenset({"127.0.0.1"}), timeout=1.0), clock)
    stuck = follow(poller, feed_server.url("/stuck.xml"))
    teasers = follow(poller, feed_server.url("/teasers.xml"))
    good = follow(poller, feed_server.url("/good.xml"))
    started = time.monotonic()
    report = poller.poll_due()
    assert time.monotonic() - started < 10  # the slow servers would take 20 s
    assert [outcome.feed.id for outcome in report.errors] == [stuck.id]
    assert "too slow" in (poller.feeds.get(stuck.id).last_error or "")
    assert poller.feeds.get(good.id).last_error is None
    assert sorted(stored_texts(collection)) == sorted([RANSOMWARE, PHISHING, TEASER])
    kept = poller.feeds.get(teasers.id)
    assert kept.last_error is None and "too slow" in (kept.last_warning or "")


def test_item_pages_are_fetched_side_by_side(
    collection: Collection, feed_server: FeedServer
) -> None:
    items = []
    for n in range(6):
        text = f"{RANSOMWARE} Case number {n}."
        story = page(f"Story {n}", [text])
        feed_server.trickle(f"/slow/{n}", story, seconds=1.5, content_type="text/html")
        items.append(item(n, TEASER, link=feed_server.url(f"/slow/{n}"), guid=f"slow-{n}"))
    feed_server.set("/feed.xml", rss(items))
    poller = Poller(collection, Fetcher(frozenset({"127.0.0.1"}), timeout=5.0))
    started = time.monotonic()
    outcome, _ = poller.add(feed_server.url("/feed.xml"))
    assert time.monotonic() - started < 6  # one after another: 9 s
    assert outcome.new == 6 and all("Case number" in text for text in stored_texts(collection))


def test_a_failing_page_is_retried_with_backoff_not_every_poll(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher, clock: ManualClock
) -> None:
    teaser = item(1, TEASER, link=feed_server.url("/story/1"))
    feed_server.set("/feed.xml", rss([teaser]), etag='"v1"')
    poller = Poller(collection, fetcher, clock)
    follow(poller, feed_server.url("/feed.xml"))
    assert poller.poll_all().new == 1  # the summary, for want of its page (404)
    for _ in range(3):
        clock.advance(minutes=4)
        poller.poll_all()
    assert len(feed_server.requests_for("/story/1")) == 1  # backing off
    clock.advance(minutes=4)  # 16 minutes after the failure: time for a second try
    poller.poll_all()
    assert len(feed_server.requests_for("/story/1")) == 2
    clock.advance(minutes=16)  # the second failure doubled the wait
    poller.poll_all()
    assert len(feed_server.requests_for("/story/1")) == 2
    feed_server.set("/story/1", page("Story 1", RANSOMWARE.split(". ")), "text/html")
    clock.advance(minutes=15)
    (outcome,) = poller.poll_all().feeds
    assert outcome.updated == 1 and len(feed_server.requests_for("/story/1")) == 3
    assert "Europol" in stored_texts(collection)[0]
    clock.advance(hours=2)
    assert poller.poll_all().feeds[0].unchanged  # done: the feed is asked conditionally again
    assert len(feed_server.requests_for("/story/1")) == 3


@pytest.mark.parametrize(
    "link", ["http://[::1]:8080/f", "http://192.168.1.1/story", "http://localhost/story"]
)
def test_an_item_linking_to_a_private_address_is_stored_without_its_link(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher, link: str
) -> None:
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE, link=link), item(2, PHISHING)]))
    poller = Poller(collection, fetcher)
    follow(poller, feed_server.url("/feed.xml"))
    report = poller.poll_all()
    assert report.new == 2 and report.errors == []
    links = open_alerts(collection.store).links([1, 2])
    assert [link.url for link in links] == [None, "https://news.example/story/2"]
    assert "private address" in (poller.feeds.all()[0].last_warning or "")


def test_items_sharing_one_guid_are_each_stored_once(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher
) -> None:
    texts = [RANSOMWARE, PHISHING, SATELLITE]
    shared = [
        {"title": f"Story {n}", "guid": "same", "description": t} for n, t in enumerate(texts)
    ]
    feed_server.set("/feed.xml", rss(shared))
    poller = Poller(collection, fetcher)
    follow(poller, feed_server.url("/feed.xml"))
    assert poller.poll_all().new == 3
    calls = collection.embedder.calls
    (outcome,) = poller.poll_all().feeds
    assert (outcome.new, outcome.updated) == (0, 0) and collection.embedder.calls == calls
    assert sorted(stored_texts(collection)) == sorted(texts)


def test_an_endless_feed_is_read_newest_first_up_to_a_cap(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher, monkeypatch
) -> None:
    monkeypatch.setattr(poller_module, "MAX_ITEMS", 3)
    texts = [f"{RANSOMWARE} Case number {n}." for n in range(8)]
    feed_server.set("/feed.xml", rss([item(n + 1, text) for n, text in enumerate(texts)]))
    poller = Poller(collection, fetcher)
    feed = follow(poller, feed_server.url("/feed.xml"))
    (outcome,) = poller.poll_all().feeds
    assert outcome.new == 3 and outcome.error is None
    assert sorted(stored_texts(collection)) == texts[:3]  # published 1, 2 and 3 hours ago
    polled = poller.feeds.get(feed.id)
    assert polled.last_error is None and polled.errors == 0
    assert polled.last_warning == "the feed lists 8 items; read the newest 3"


def test_warnings_are_kept_apart_from_errors(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher
) -> None:
    damaged = rss([item(1, RANSOMWARE)]).replace("</channel></rss>", "<oops></channel>")
    feed_server.set("/feed.xml", damaged, etag='"v1"')
    poller = Poller(collection, fetcher)
    feed = follow(poller, feed_server.url("/feed.xml"))
    poller.poll_all()
    first = poller.feeds.get(feed.id)
    assert first.last_error is None and "damaged XML" in (first.last_warning or "")
    feed_server.set("/feed.xml", "down", status=503)
    poller.poll_all()
    failed = poller.feeds.get(feed.id)
    assert "HTTP 503" in (failed.last_error or "") and failed.last_warning == first.last_warning
    feed_server.set("/feed.xml", damaged, etag='"v1"')
    assert poller.poll_all().feeds[0].unchanged
    healed = poller.feeds.get(feed.id)
    assert healed.last_error is None and healed.last_warning == first.last_warning


def test_two_processes_polling_due_feeds_fetch_each_once(
    tmp_path: Path, feed_server: FeedServer, fetcher: Fetcher
) -> None:
    path = tmp_path / "shared.db"
    stores = [Store(path), Store(path)]
    pollers = [Poller(Collection(s, FakeEmbedder(), FAKE_ANSWER_CONFIG), fetcher) for s in stores]
    for n, text in enumerate([RANSOMWARE, PHISHING, SATELLITE]):
        feed_server.set(f"/{n}.xml", rss([item(n, text)]))
        follow(pollers[0], feed_server.url(f"/{n}.xml"))
    reports = []
    polls = [threading.Thread(target=lambda p=p: reports.append(p.poll_due())) for p in pollers]
    for poll in polls:
        poll.start()
    for poll in polls:
        poll.join(timeout=60)
    assert sum(len(report.feeds) for report in reports) == 3
    assert all(len(feed_server.requests_for(f"/{n}.xml")) == 1 for n in range(3))
    later = pollers[0].clock() + timedelta(minutes=16)  # then due again, as usual
    assert len(pollers[0].feeds.claim_due(later, timedelta(minutes=10))) == 3
    for store in stores:
        store.close()


def test_an_item_that_breaks_reading_stops_no_other_item(
    collection: Collection, feed_server: FeedServer, fetcher: Fetcher, monkeypatch
) -> None:
    real = poller_module.from_record

    def breaks_on_the_second(record: dict, name: str):  # a bug met by one item only
        if name == "news-2":
            raise ValueError("unexpected")
        return real(record, name)

    monkeypatch.setattr(poller_module, "from_record", breaks_on_the_second)
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE), item(2, PHISHING), item(3, SATELLITE)]))
    poller = Poller(collection, fetcher)
    follow(poller, feed_server.url("/feed.xml"))
    (outcome,) = poller.poll_all().feeds
    assert outcome.error is None and outcome.new == 2
    assert sorted(stored_texts(collection)) == sorted([RANSOMWARE, SATELLITE])
    assert "skipped item news-2: internal error ValueError('unexpected')" in outcome.warnings
