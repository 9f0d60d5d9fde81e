"""The starter list: English and Spanish outlets, each address with where it comes from."""

from pathlib import Path

from retrieval.news.opml import read_opml

STARTER = Path(__file__).resolve().parents[2] / "data" / "feeds" / "cybercrime.opml"


def test_the_starter_list_holds_english_and_spanish_outlets_with_their_sources() -> None:
    text = STARTER.read_text(encoding="utf-8")
    feeds = read_opml(text)
    assert len(feeds) >= 10
    assert {feed.language for feed in feeds} == {"en", "es"}
    assert all(feed.url.startswith("https://") and feed.title for feed in feeds)
    assert len({feed.url for feed in feeds}) == len(feeds)
    assert text.count('foundAt="self: ') + text.count('foundAt="page: ') == len(feeds)
    for feed in feeds:  # a page whose feed is found at import is the outlet's own page
        assert feed.site is not None and feed.url.split("/")[2] == feed.site.split("/")[2]
