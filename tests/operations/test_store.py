"""The owner's view in the database, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest

from retrieval.conversations.store import open_conversations
from retrieval.core.database import Database
from retrieval.core.models import Answer, Quote
from retrieval.news.store import open_feeds
from retrieval.operations.store import ArticleGone, open_owners, open_shelf, open_statistics
from tests.conftest import put_article


def test_owners_come_from_the_environment_and_the_database(database: Database) -> None:
    owners = open_owners(database, configured=frozenset({5}))
    assert owners.add(7, "ana") and not owners.add(7, "ana") and not owners.add(5)
    assert owners.ids() == {5, 7}
    assert [(o.user_id, o.origin.split(" ")[0]) for o in owners.all()] == [
        (5, "environment"),
        (7, "added"),
    ]
    assert owners.all()[1].origin.endswith(" by ana")
    assert open_owners(database).ids() == {7}  # another process, without the environment
    assert owners.remove(7) and not owners.remove(7) and not owners.remove(5)
    assert owners.ids() == {5}


def test_the_shelf_lists_shows_and_removes_articles(database: Database) -> None:
    shelf = open_shelf(database)
    first = put_article(database, "First", "2024-01-01", source="Wire")
    second = put_article(database, "Second", "2024-01-02", source="Other")
    assert [entry.id for entry in shelf.newest()] == [second, first]
    assert [entry.title for entry in shelf.newest(source="wire")] == ["First"]
    feeds = open_feeds(database)
    for url in ("https://b.example/rss", "https://a.example/rss"):
        feed, _ = feeds.add(url)
        feeds.record_item(feed.id, "g", None, "h", first)
    entry = shelf.entry(first)
    assert (entry.source, entry.chars) == ("Wire", len("First, as reported."))
    assert entry.feeds == ("https://a.example/rss", "https://b.example/rss")
    generation = database.generation()
    assert shelf.remove(first) == entry
    assert database.generation() > generation  # search caches notice
    assert [entry.id for entry in shelf.newest()] == [second]
    with pytest.raises(ArticleGone):
        shelf.entry(first)
    assert database.articles([first, second]).keys() == {second}


def test_statistics_count_what_happened_since_a_moment(database: Database) -> None:
    put_article(database, "Stored", "2024-01-01", source="Wire")
    conversations = open_conversations(database)
    quote = Quote(1, "Stored", "Wire", "2024-01-01", None, "Stored", 0, 6, 1.0)
    answered = conversations.record_answer(7, 8, "q?", "q?", Answer("q?", (quote,), False))
    conversations.record_answer(9, 8, "z?", "z?", Answer("z?", (), True))
    stored = conversations.answer(answered)
    assert stored is not None
    conversations.record_feedback(stored, 8, 1)
    conversations.record_feedback(stored, 9, -1)
    stats = open_statistics(database).gather(datetime.now(UTC) - timedelta(days=1), votes=1)
    assert (stats.articles, stats.stored_since, stats.outlets, stats.newest) == (
        1,
        1,
        1,
        "2024-01-01",
    )
    assert (stats.chats, stats.answered, stats.abstained, stats.up, stats.down) == (2, 1, 1, 1, 1)
    assert len(stats.votes) == 1 and stats.votes[0].question == "q?"
    later = open_statistics(database).gather(datetime.now(UTC) + timedelta(minutes=1))
    assert (later.articles, later.stored_since, later.answered, later.up) == (1, 0, 0, 0)
