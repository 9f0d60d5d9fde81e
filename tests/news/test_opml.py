"""OPML: the starter list reads, and a list written is read back the same."""

import pytest

from retrieval.news.opml import OpmlError, OpmlFeed, read_opml, write_opml

READER_EXPORT = """<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="Security">
    <outline text="Wire" type="rss" xmlUrl="https://wire.example/feed" htmlUrl="https://wire.example/"/>
    <outline text="Nested"><outline title="Deep" text="ignored" xmlUrl="https://deep.example/atom"/></outline>
  </outline>
  <outline text="Loose" xmlUrl="https://loose.example/rss" language="es"/>
  <outline text="Wire again" xmlUrl="https://wire.example/feed"/>
  <outline text="A folder with nothing"/>
</body></opml>"""


def test_a_feed_readers_export_is_read_with_its_folders() -> None:
    assert read_opml(READER_EXPORT) == [
        OpmlFeed("https://wire.example/feed", "Wire", "https://wire.example/", None, "Security"),
        OpmlFeed("https://deep.example/atom", "Deep", None, None, "Nested"),
        OpmlFeed("https://loose.example/rss", "Loose", None, "es", None),
    ]


def test_written_opml_reads_back_the_same_feeds() -> None:
    feeds = [
        OpmlFeed(
            "https://a.example/feed?x=1&y=2", "A & B <news>", "https://a.example/", "en", "News"
        ),
        OpmlFeed("https://b.example/rss", None, None, "es", "Noticias"),
        OpmlFeed("https://c.example/atom", "C", None, None, None),
        OpmlFeed("https://d.example/feed", "D", None, None, "News"),
    ]
    document = write_opml(feeds, "cyberbrief feeds")
    again = read_opml(document)
    # a feed without a name is written under its address; folders keep their first order
    assert again == [
        feeds[0],
        feeds[3],
        OpmlFeed("https://b.example/rss", "https://b.example/rss", None, "es", "Noticias"),
        feeds[2],
    ]
    assert read_opml(write_opml(again, "again")) == again


@pytest.mark.parametrize(
    "document",
    ["", "<opml><body><outline", "<rss version='2.0'><channel/></rss>", "<opml version='2.0'/>"],
)
def test_what_is_not_opml_is_refused_clearly(document: str) -> None:
    with pytest.raises(OpmlError):
        read_opml(document)


def test_an_entity_bomb_is_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + n)} "' + f"&{chr(97 + n)};" * 10 + '">' for n in range(8))
        + ']><opml><body><outline text="&i;" xmlUrl="https://x.example/"/></body></opml>'
    )
    with pytest.raises(OpmlError):
        read_opml(bomb)
