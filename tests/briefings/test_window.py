"""What's new is what was published in the window; undated articles count by when stored."""

from datetime import UTC, datetime, timedelta

import pytest

from retrieval.briefings.builder import Briefer
from retrieval.briefings.render import briefing_text
from retrieval.briefings.store import ArticleHead
from retrieval.briefings.window import news_moment
from retrieval.core.collection import Collection
from retrieval.text.documents import RawArticle
from tests.briefings.test_briefing import PHISHING, RANSOMWARE

SINCE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
INSIDE = "2026-11-20T20:00:00+00:00"
BEFORE = "2026-11-19T12:00:00+00:00"


def head(published: str | None, stored: str = INSIDE, url: str | None = "https://a.example/1"):
    """An article head with a publication date, a storage time and a link."""
    return ArticleHead(1, "A story", "Wire", published, stored, url)


@pytest.mark.parametrize(
    ("published", "stored", "url", "expected"),
    [
        (INSIDE, INSIDE, None, datetime(2026, 11, 20, 20, tzinfo=UTC)),
        ("2026-11-20T21:00:00+01:00", BEFORE, None, datetime(2026, 11, 20, 20, tzinfo=UTC)),
        ("2026-11-20T20:00:00", BEFORE, None, datetime(2026, 11, 20, 20, tzinfo=UTC)),
        ("2012-05-03", INSIDE, None, None),  # an old article stored today is not news
        ("2006-06-05", INSIDE, "https://a.example/1", None),
        ("2026-11-19", INSIDE, None, None),  # its whole day ended before the window
        ("2026-11-20", BEFORE, None, SINCE + timedelta(hours=16)),  # a date: the whole day
        ("2026-11-21", BEFORE, None, UNTIL),
        ("2026-11-22", INSIDE, None, None),  # dated in the future
        (BEFORE, INSIDE, None, datetime(2026, 11, 19, 12, tzinfo=UTC)),  # arrived late
        ("2026-11-18T12:00:00+00:00", INSIDE, None, None),  # too late to be news
        (BEFORE, BEFORE, None, None),
        (None, INSIDE, "https://a.example/1", datetime(2026, 11, 20, 20, tzinfo=UTC)),
        (None, INSIDE, None, None),  # an undated file: never "new"
        (None, BEFORE, "https://a.example/1", None),
        ("not a date", INSIDE, None, None),
    ],
)
def test_news_moment(published, stored, url, expected) -> None:
    assert news_moment(head(published, stored, url), SINCE, UNTIL) == expected


def now_iso(**delta: float) -> str:
    """The current time, shifted, as ISO 8601 UTC."""
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


def test_the_shipped_articles_never_appear_in_whats_new(seeded: Collection) -> None:
    briefer = Briefer(seeded)
    for since in (datetime.now(UTC) - timedelta(hours=24), datetime(2025, 1, 1, tzinfo=UTC)):
        assert briefer.build(since).total_stories == 0
    seeded.ingest(
        [
            RawArticle(
                "Hospitals hit by ransomware",
                RANSOMWARE,
                "Wire",
                now_iso(hours=-2),
                url="https://wire.example/ransomware",
            )
        ]
    )
    briefing = briefer.build(datetime.now(UTC) - timedelta(hours=24))
    assert [story.article.title for story in briefing.stories] == ["Hospitals hit by ransomware"]
    assert briefer.build(datetime(2025, 1, 1, tzinfo=UTC)).total_stories == 1
    everything = briefer.build(datetime(2000, 1, 1, tzinfo=UTC))  # a window reaching back
    assert everything.total_stories == 3  # 2006, 2012 and today; the undated file never


def test_an_undated_web_article_counts_by_when_it_was_stored_and_says_so(
    collection: Collection,
) -> None:
    collection.ingest(
        [
            RawArticle(
                "Phishing ring dismantled", PHISHING, "Wire", None, url="https://w.example/p"
            ),
            RawArticle("Undated file", RANSOMWARE, "Archive", None, origin="notes.md"),
        ]
    )
    briefing = Briefer(collection).build(datetime.now(UTC) - timedelta(hours=1))
    assert [story.article.title for story in briefing.stories] == ["Phishing ring dismantled"]
    today = datetime.now(UTC).date().isoformat()
    assert f"Wire · undated, stored {today}" in briefing_text(briefing)


def test_a_story_published_this_week_outranks_one_stored_later_but_older(
    collection: Collection,
) -> None:
    collection.ingest(
        [
            RawArticle(
                "Phishing ring dismantled",
                PHISHING,
                "Wire",
                now_iso(hours=-1),
                url="https://w.example/new",
            ),
            RawArticle(
                "Hospitals hit by ransomware",
                RANSOMWARE,
                "Wire",
                now_iso(hours=-30),
                url="https://w.example/late",
            ),
        ]
    )
    briefing = Briefer(collection).build(datetime.now(UTC) - timedelta(hours=24))
    assert [s.article.title for s in briefing.stories] == [
        "Phishing ring dismantled",
        "Hospitals hit by ransomware",  # published 30 h ago, stored just now: a late arrival
    ]
