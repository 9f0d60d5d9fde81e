"""Briefing schedules: parsing, and next runs across time zones and daylight-saving changes."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from retrieval.briefings.schedules import BadSchedule, Schedule, next_run, parse_schedule
from retrieval.language.messages import speaking

MADRID = ZoneInfo("Europe/Madrid")


def runs(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    """The next `count` runs after `start`, each computed from the previous one."""
    found = []
    for _ in range(count):
        start = next_run(schedule, start)
        found.append(start)
    return found


def test_schedules_are_read_as_typed() -> None:
    assert parse_schedule("daily 08:00 Europe/Madrid") == Schedule(
        "daily", time(8, 0), "Europe/Madrid"
    )
    weekly = parse_schedule("weekly Mon 9:30")
    assert weekly == Schedule("weekly", time(9, 30), "UTC", 0)
    assert weekly.describe() == "weekly mon 09:30 UTC"
    assert parse_schedule(weekly.describe()) == weekly


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "daily or weekly"),
        ("hourly 08:00", "daily or weekly"),
        ("daily 25:00", "HH:MM"),
        ("daily 8am", "HH:MM"),
        ("weekly 09:00 UTC", "which day"),
        ("daily 08:00 Mars/Olympus", "unknown time zone"),
        ("daily 08:00 Europe", "unknown time zone"),  # a folder of zones, not a zone
        (f"daily 08:00 {'Zone' * 75}", "unknown time zone"),  # longer than a file name
        ("daily 08:00 ../../etc/passwd", "unknown time zone"),
        ("daily 08:00 UTC extra", "too many words"),
    ],
)
def test_bad_schedules_say_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(BadSchedule, match=message):
        parse_schedule(text)


def test_daily_local_time_stays_local_across_the_spring_change() -> None:
    schedule = parse_schedule("daily 08:00 Europe/Madrid")
    found = runs(schedule, datetime(2026, 3, 27, 12, 0, tzinfo=UTC), 3)
    assert [r.astimezone(MADRID).strftime("%d %H:%M") for r in found] == [
        "28 08:00",
        "29 08:00",
        "30 08:00",
    ]
    assert [r.hour for r in found] == [7, 6, 6]  # UTC+1, then UTC+2


def test_a_time_skipped_by_the_clocks_runs_once_just_after() -> None:
    schedule = parse_schedule("daily 02:30 Europe/Madrid")  # 02:00-03:00 does not exist on 29 Mar
    found = runs(schedule, datetime(2026, 3, 28, 12, 0, tzinfo=UTC), 2)
    assert [r.astimezone(MADRID).strftime("%d %H:%M") for r in found] == ["29 03:30", "30 02:30"]


def test_a_time_repeated_in_autumn_runs_once() -> None:
    schedule = parse_schedule("daily 02:30 Europe/Madrid")  # 02:00-03:00 happens twice on 25 Oct
    found = runs(schedule, datetime(2026, 10, 24, 12, 0, tzinfo=UTC), 3)
    assert [r.astimezone(MADRID).strftime("%d %H:%M") for r in found] == [
        "25 02:30",
        "26 02:30",
        "27 02:30",
    ]
    assert found[1] - found[0] > found[2] - found[1]  # the autumn day is 25 hours long


def test_weekly_runs_on_its_weekday_in_its_zone() -> None:
    schedule = parse_schedule("weekly mon 09:00 America/New_York")
    found = runs(schedule, datetime(2026, 11, 23, 15, 0, tzinfo=UTC), 2)  # Monday 10:00 in NY
    assert [r.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %H:%M") for r in found] == [
        "Mon 30 09:00",
        "Mon 07 09:00",
    ]


def test_a_run_at_the_exact_moment_is_not_repeated() -> None:
    schedule = parse_schedule("daily 08:00 UTC")
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert next_run(schedule, at) == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_spanish_schedules_are_read_and_described_in_spanish() -> None:
    weekly = parse_schedule("semanal mié 07:15 Europe/Madrid")
    assert weekly == Schedule("weekly", time(7, 15), "Europe/Madrid", 2)
    assert parse_schedule("diario 08:00") == parse_schedule("daily 08:00")
    with speaking("es"):
        assert weekly.describe() == "semanal mié 07:15 Europe/Madrid"
        assert parse_schedule(weekly.describe()) == weekly
        with pytest.raises(BadSchedule, match="empieza por diario o semanal"):
            parse_schedule("cada hora 08:00")
