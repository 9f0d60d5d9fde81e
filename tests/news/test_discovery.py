"""Autodiscovery: following a site's home page follows the feed it names."""

import pytest

from retrieval.core.collection import Collection
from retrieval.news.discovery import feed_links
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from tests.feedserver import FeedServer, rss
from tests.news.test_poller import RANSOMWARE, item

HOME = """<!DOCTYPE html><html><head><title>Example Wire</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/json+oembed" href="/oembed">
<link rel="alternate" type="application/rss+xml" title="Wire" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" title="Comments" href="{comments}">
</head><body><p>Welcome.</p></body></html>"""


def test_feed_links_are_absolute_in_page_order() -> None:
    html = HOME.format(comments="https://other.example/comments.atom")
    assert feed_links(html, "https://wire.example/news/") == [
        "https://wire.example/feed.xml",
        "https://other.example/comments.atom",
    ]
    based = (
        '<base href="https://cdn.example/">'
        '<LINK REL="Alternate" TYPE="application/rss+xml" href="f">'
    )
    assert feed_links(based, "https://wire.example/") == ["https://cdn.example/f"]
    assert (
        feed_links(
            '<link rel="alternate" type="application/rss+xml" href="javascript:x">',
            "https://a.example/",
        )
        == []
    )
    assert feed_links("<p>no head at all", "https://a.example/") == []


def test_adding_a_home_page_follows_the_feed_it_names(
    collection: Collection, fetcher: Fetcher, feed_server: FeedServer
) -> None:
    feed_server.set("/", HOME.format(comments="/missing.atom"), "text/html; charset=utf-8")
    feed_server.set("/feed.xml", rss([item(1, RANSOMWARE)], title="Example Wire"))
    poller = Poller(collection, fetcher)
    outcome, new = poller.add(feed_server.url("/"))
    assert new and outcome.new == 1 and outcome.error is None
    assert outcome.feed.url == feed_server.url("/feed.xml")
    assert outcome.feed.title == "Example Wire"
    again, new_again = poller.add(feed_server.url("/"))
    assert not new_again and again.feed.id == outcome.feed.id
    assert [f.url for f in poller.feeds.all()] == [feed_server.url("/feed.xml")]


def test_a_broken_first_feed_link_falls_back_to_the_next(
    collection: Collection, fetcher: Fetcher, feed_server: FeedServer
) -> None:
    html = HOME.replace('href="/feed.xml"', 'href="/gone.xml"').format(comments="/comments.atom")
    feed_server.set("/", html, "text/html")
    feed_server.set("/comments.atom", rss([item(2, RANSOMWARE)], title="Comments"))
    outcome, new = Poller(collection, fetcher).add(feed_server.url("/"))
    assert new and outcome.feed.url == feed_server.url("/comments.atom")


def test_a_page_naming_only_broken_feeds_is_refused_with_the_reason(
    collection: Collection, fetcher: Fetcher, feed_server: FeedServer
) -> None:
    feed_server.set("/", HOME.format(comments="/missing.atom"), "text/html")
    poller = Poller(collection, fetcher)
    with pytest.raises(FeedError, match="HTTP 404"):
        poller.add(feed_server.url("/"))
    assert poller.feeds.all() == []
