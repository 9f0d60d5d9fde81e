"""The briefing store, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

from retrieval.briefings.schedules import parse_schedule
from retrieval.briefings.store import open_briefings
from retrieval.core.database import Database
from tests.conftest import put_article

NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_a_due_schedule_advances_once_however_many_workers_try(database: Database) -> None:
    briefings = open_briefings(database)
    daily = parse_schedule("daily 08:00 Europe/Madrid")
    briefings.set_schedule(7, daily, NOON, set_by=1)
    briefings.set_schedule(
        8, parse_schedule("weekly monday 09:00 UTC"), NOON + timedelta(days=1), 1
    )
    assert [s.chat_id for s in briefings.due(NOON)] == [7]
    assert briefings.advance(7, NOON, NOON + timedelta(days=1))
    assert not briefings.advance(7, NOON, NOON + timedelta(days=1))  # another worker was first
    assert briefings.due(NOON) == []
    replaced = briefings.set_schedule(7, parse_schedule("daily 07:30 UTC"), NOON, set_by=2)
    assert briefings.schedule(7) == replaced
    assert replaced.schedule.timezone == "UTC" and f"{replaced.schedule.at:%H:%M}" == "07:30"
    assert briefings.remove_schedule(7) and not briefings.remove_schedule(7)
    assert briefings.schedule(7) is None
    weekly = briefings.schedule(8)
    assert weekly is not None and weekly.schedule.every == "weekly"


def test_a_briefing_is_remembered_with_the_messages_that_carry_it(database: Database) -> None:
    briefings = open_briefings(database)
    first = briefings.record(7, NOON - timedelta(days=1), NOON, [3, 1, 2])
    second = briefings.record(7, NOON, NOON + timedelta(days=1), [])
    briefings.sent(first, 7, [100, 101])
    last = briefings.last(7)
    assert last is not None and last.id == second
    carried = briefings.for_message(7, 101)
    assert carried is not None and carried.id == first
    assert (carried.since, carried.until) == (NOON - timedelta(days=1), NOON)
    assert carried.article_ids == {1, 2, 3}
    assert briefings.for_message(7, 102) is None and briefings.last(8) is None


def test_heads_are_the_articles_dated_or_stored_in_the_window(database: Database) -> None:
    briefings = open_briefings(database)
    inside = put_article(database, "Inside", "2024-05-01T09:00:00+00:00", url="https://a/1")
    dated_the_day_after = put_article(database, "Day after", "2024-05-02")
    put_article(database, "Long before", "2023-01-01")
    stored_now = put_article(database, "Undated")
    now = datetime.now(UTC)
    heads = briefings.heads(NOON - timedelta(hours=12), NOON)
    assert [head.id for head in heads] == [inside, dated_the_day_after]
    assert heads[0].title == "Inside" and heads[0].url == "https://a/1"
    recent = briefings.heads(now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert stored_now in [head.id for head in recent]
    assert briefings.stories([inside, stored_now]) == {inside: inside, stored_now: stored_now}
