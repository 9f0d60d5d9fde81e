"""RSS and Atom feeds are read into items; damaged feeds as far as possible; non-feeds refused."""

import pytest

from retrieval.news.feeds import FULL_TEXT_CHARS, FeedError, parse_feed
from tests.feedserver import atom, rss

FEED_URL = "https://wire.example/feed.xml"


def test_rss_items_keep_guid_clean_link_utc_date_and_html_content() -> None:
    feed = parse_feed(
        rss(
            [
                {
                    "title": "  Police   seize\nservers ",
                    "link": "https://News.Example/story/1?id=7&utm_source=rss&utm_medium=feed#top",
                    "guid": "wire-0001",
                    "description": "Short teaser.",
                    "content": "<p>Police <b>seized</b> servers in Rotterdam.</p>",
                    "pubDate": "Tue, 07 May 2024 10:30:00 +0200",
                }
            ],
            title="Example  Wire",
        ).encode(),
        FEED_URL,
    )
    (item,) = feed.items
    assert feed.title == "Example Wire" and feed.warning is None
    assert item.guid == "wire-0001"
    assert item.url == "https://news.example/story/1?id=7"
    assert item.title == "Police seize servers"
    assert item.published == "2024-05-07T08:30:00+00:00"
    assert item.text == "<p>Police <b>seized</b> servers in Rotterdam.</p>"


def test_atom_entries_are_read() -> None:
    feed = parse_feed(
        atom(
            [
                {
                    "title": "Botnet dismantled",
                    "link": "https://news.example/botnet?fbclid=abc",
                    "guid": "tag:news.example,2024:botnet",
                    "updated": "2024-05-01T12:00:00+02:00",
                    "description": "Teaser only.",
                    "content": "<div>The botnet <em>Emotet</em> was dismantled.</div>",
                }
            ]
        ),
        FEED_URL,
    )
    (item,) = feed.items
    assert feed.title == "Test Atom"
    assert item.guid == "tag:news.example,2024:botnet"
    assert item.url == "https://news.example/botnet"
    assert item.published == "2024-05-01T10:00:00+00:00"
    assert "<em>Emotet</em>" in item.text and "dismantled" in item.text


def test_item_without_guid_is_known_by_its_link() -> None:
    feed = parse_feed(rss([{"title": "A", "link": "https://news.example/a?utm_campaign=x"}]), "u")
    assert feed.items[0].guid == "https://news.example/a"


def test_short_text_with_a_link_is_a_summary_and_long_text_is_not() -> None:
    long_text = "Investigators traced the payments. " * (FULL_TEXT_CHARS // 30)
    feed = parse_feed(
        rss(
            [
                {"title": "Teaser", "link": "https://news.example/t", "description": "Read on."},
                {"title": "Full", "link": "https://news.example/f", "description": long_text},
                {"title": "Note", "guid": "note-1", "description": "No link, short text."},
            ]
        ),
        FEED_URL,
    )
    assert [item.summary_only for item in feed.items] == [True, False, False]


def test_items_with_neither_link_nor_text_are_dropped() -> None:
    feed = parse_feed(
        rss(
            [
                {"title": "Only a title", "guid": "g1"},
                {"title": "Blank", "guid": "g2", "description": "   "},
                {"title": "Kept", "guid": "g3", "description": "Some text."},
                {"title": "Linked", "link": "https://news.example/l"},
            ]
        ),
        FEED_URL,
    )
    assert [item.title for item in feed.items] == ["Kept", "Linked"]


def test_item_with_a_malformed_link_is_kept_without_it() -> None:
    feed = parse_feed(
        rss(
            [
                {"title": "Bad", "link": "http://[oops/story", "description": "Text one."},
                {"title": "Bad port", "link": "http://news.example:99999/", "description": "Two."},
                {"title": "Good", "link": "https://news.example/g", "description": "Text."},
            ]
        ),
        FEED_URL,
    )
    assert [(item.title, item.url) for item in feed.items] == [
        ("Bad", None),
        ("Bad port", None),
        ("Good", "https://news.example/g"),
    ]


def test_damaged_xml_is_read_as_far_as_possible_with_a_warning() -> None:
    damaged = rss(
        [
            {"title": "First", "link": "https://news.example/1", "description": "One."},
            {"title": "Second", "link": "https://news.example/2", "description": "Two."},
        ]
    ).replace("<title>First</title>", "<title>First & foremost</title>")
    damaged = damaged.replace("</channel></rss>", "")
    feed = parse_feed(damaged.encode(), FEED_URL)
    assert [item.url for item in feed.items] == ["https://news.example/1", "https://news.example/2"]
    assert feed.warning is not None and "damaged XML, read 2 items" in feed.warning


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02 garbage, not a feed at all",
        b"<!DOCTYPE html><html><body><h1>Welcome</h1><p>Our homepage.</p></body></html>",
        b'{"items": [{"title": "json is not a feed"}]}',
        b"",
    ],
    ids=["garbage", "html", "json", "empty"],
)
def test_documents_that_are_not_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(body, FEED_URL)


def test_feed_with_no_items_is_an_empty_feed() -> None:
    feed = parse_feed(rss([], title="Quiet"), FEED_URL)
    assert (feed.title, feed.items, feed.warning) == ("Quiet", [], None)


def test_a_date_feedparser_cannot_read_is_read_leniently_or_left_out() -> None:
    items = [
        {"title": "Spanish", "link": "https://n.example/1", "pubDate": "3 de mayo de 2012"},
        {"title": "Nonsense", "link": "https://n.example/2", "pubDate": "the other day"},
    ]
    feed = parse_feed(rss(items).encode(), FEED_URL)
    assert [(item.title, item.published) for item in feed.items] == [
        ("Spanish", "2012-05-03"),
        ("Nonsense", None),
    ]
