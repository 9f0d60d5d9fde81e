"""Briefings over fixture articles: stories grouped, ranked, sectioned, quoted verbatim."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.html import MAX_MESSAGE, pack, visible_length
from retrieval.alerts.alerter import Alerter
from retrieval.briefings.builder import Briefer, parse_window
from retrieval.briefings.render import briefing_blocks, briefing_json, briefing_text
from retrieval.core.collection import Collection
from retrieval.text.documents import RawArticle
from tests.e2e.telegram_emulator import assert_valid_telegram_html

RANSOMWARE = (
    "A ransomware gang shut down the computer systems of eleven hospitals on Monday. "
    "Doctors cancelled surgeries and ambulances were sent to other cities. "
    "The attackers encrypted patient records and demanded four million euros. "
    "Police in three countries are investigating the gang behind the attack."
)
RETOLD = RANSOMWARE.replace("on Monday", "this Monday").replace("four million", "4 million")
PHISHING = (
    "Investigators dismantled a phishing ring that stole banking passwords from pensioners. "
    "The ring sent text messages posing as banks and collected codes on fake websites. "
    "Twelve suspects were arrested in raids across the region."
)
FOOTBALL = (
    "The football club signed a new striker for a record transfer fee. "
    "Fans gathered at the stadium to welcome the player. "
    "The coach said the squad was ready for the new season."
)


def article(title: str, text: str, source: str, slug: str) -> RawArticle:
    """A fixture article from an outlet."""
    return RawArticle(
        title=title,
        text=text,
        source=source,
        published=datetime.now(UTC).isoformat(timespec="seconds"),
        url=f"https://{source.lower().replace(' ', '')}.example/{slug}",
    )


@pytest.fixture
def news(collection: Collection) -> Collection:
    """Four new articles: one story told by two outlets, and two other stories."""
    report = collection.ingest(
        [
            article("Hospitals hit by ransomware", RANSOMWARE, "Wire One", "hospitals"),
            article("Phishing ring dismantled", PHISHING, "Wire One", "phishing"),
            article("Ransomware shuts hospitals", RETOLD, "Daily Two", "ransom"),
            article("Club signs striker", FOOTBALL, "Sports Three", "striker"),
        ]
    )
    assert report.added == 4
    return collection


def hour_ago() -> datetime:
    """A window start just before the fixtures were stored."""
    return datetime.now(UTC) - timedelta(hours=1)


def test_the_same_story_from_two_outlets_is_one_item(news: Collection) -> None:
    briefing = Briefer(news).build(hour_ago())
    assert briefing.total_stories == 3
    (ransomware,) = [s for s in briefing.stories if "ransomware" in s.article.title.lower()]
    assert ransomware.outlets == ("Wire One", "Daily Two")
    assert [link.url for link in ransomware.links] == [
        "https://wireone.example/hospitals",
        "https://dailytwo.example/ransom",
    ]
    assert briefing.stories[0] is ransomware  # two outlets: the most important story


def test_every_quote_is_an_exact_substring_of_its_article(news: Collection) -> None:
    for story in Briefer(news).build(hour_ago()).stories:
        assert 1 <= len(story.quotes) <= 2
        for quote in story.quotes:
            assert news.store.article(quote.article_id).text[quote.start : quote.end] == quote.text


def test_a_chats_subscriptions_rank_its_stories_first(news: Collection) -> None:
    Alerter(news).subscribe(42, 42, "football transfer striker")
    briefing = Briefer(news).build(hour_ago(), chat_id=42)
    assert briefing.stories[0].article.title == "Club signs striker"
    assert Briefer(news).build(hour_ago()).stories[0].article.title != "Club signs striker"


def test_stories_outside_the_window_are_left_out(news: Collection) -> None:
    later = datetime.now(UTC) + timedelta(minutes=1)
    quiet = Briefer(news).build(later)
    assert quiet.sections == () and quiet.total_stories == 0
    assert briefing_text(quiet).startswith("Nothing new since")
    (block,) = briefing_blocks(quiet)
    assert "Nothing new since" in assert_valid_telegram_html(block)


def test_related_stories_share_a_heading(collection: Collection) -> None:
    collection.ingest(
        [
            article("Hospitals hit by ransomware", RANSOMWARE, "Wire One", "a"),
            article(
                "Ransomware gang attacks clinics",
                RANSOMWARE.replace("hospitals", "clinics")
                .replace("eleven", "nine")
                .replace("surgeries", "appointments")
                .replace("Doctors", "Nurses")
                .replace("patient records", "files"),
                "Wire Two",
                "b",
            ),
            article("Club signs striker", FOOTBALL, "Sports Three", "c"),
        ]
    )
    briefing = Briefer(collection).build(hour_ago())
    headings = {s.article.title: sec.heading for sec in briefing.sections for s in sec.stories}
    assert len(briefing.sections) >= 2
    assert headings["Club signs striker"] != headings["Hospitals hit by ransomware"]
    assert "Ransomware" in headings["Hospitals hit by ransomware"]


def test_briefing_html_is_valid_and_splits_between_stories_only(news: Collection) -> None:
    blocks = briefing_blocks(Briefer(news).build(hour_ago()))
    assert blocks[0].startswith("📰 <b>Briefing</b> — 3 stories since")
    for block in blocks:
        assert_valid_telegram_html(block)
    messages = pack(blocks, limit=600)  # a small limit forces splits
    assert len(messages) > 1
    assert all(visible_length(m) <= MAX_MESSAGE for m in messages)
    assert sum(m.count("<blockquote>") for m in messages) == sum(
        b.count("<blockquote>") for b in blocks
    )
    for message in messages:
        assert_valid_telegram_html(message)


def test_briefing_json_carries_offsets(news: Collection) -> None:
    data = json.loads(briefing_json(Briefer(news).build(hour_ago())))
    story = data["sections"][0]["stories"][0]
    assert story["outlets"] == ["Wire One", "Daily Two"]
    for quote in story["quotes"]:
        assert (
            news.store.article(story["article_id"]).text[quote["start"] : quote["end"]]
            == (quote["text"])
        )


@pytest.mark.parametrize(("text", "hours"), [("24h", 24), ("7d", 168), ("2w", 336), (" 3D ", 72)])
def test_windows_are_read(text: str, hours: int) -> None:
    assert parse_window(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["", "7", "d", "7y", "0h", "999d", "-1d"])
def test_bad_windows_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="window"):
        parse_window(text)
