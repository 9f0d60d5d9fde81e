"""Briefing schedules: parse "daily 08:00 Europe/Madrid" (or "diario 08:00 Europe/Madrid"), and
find the next run in real time."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retrieval.language.messages import N_, _, spoken

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Spanish words for the same, accepted whatever the language spoken.
_EVERY = {"daily": "daily", "weekly": "weekly", "diario": "daily", "semanal": "weekly"}
_SPANISH_WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
_DAYS = {
    **{day: n for n, day in enumerate(WEEKDAYS)},
    **{day: n for n, day in enumerate(_SPANISH_WEEKDAYS)},
    "mie": 2,
    "sab": 5,
}
_EVERY_WORDS = {"daily": N_("daily"), "weekly": N_("weekly")}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

Every = Literal["daily", "weekly"]


class BadSchedule(ValueError):
    """A schedule that cannot be read; the message says how to write one."""


@dataclass(frozen=True)
class Schedule:
    """When a chat gets its briefing: every day, or one weekday, at a local time in a zone."""

    every: Every
    at: time
    timezone: str
    weekday: int | None = None  # 0 = Monday, for weekly schedules

    def describe(self) -> str:
        """The schedule in words of the language spoken, as it can be typed back:
        "weekly mon 09:00 UTC", "semanal lun 09:00 UTC"."""
        days = _SPANISH_WEEKDAYS if spoken() == "es" else WEEKDAYS
        day = (
            f" {days[self.weekday]}" if self.every == "weekly" and self.weekday is not None else ""
        )
        return f"{_(_EVERY_WORDS[self.every])}{day} {self.at:%H:%M} {self.timezone}"


def parse_schedule(text: str) -> Schedule:
    """Read "daily HH:MM [ZONE]" or "weekly DAY HH:MM [ZONE]" (zone defaults to UTC), in English
    or Spanish ("diario 08:00", "semanal lun 09:00")."""
    words = text.split()
    if not words or words[0].lower() not in _EVERY:
        raise BadSchedule(_("start with daily or weekly"))
    every: Every = "daily" if _EVERY[words[0].lower()] == "daily" else "weekly"
    rest = words[1:]
    weekday = None
    if every == "weekly":
        if not rest or rest[0][:3].lower() not in _DAYS:
            raise BadSchedule(_("say which day: weekly mon 09:00 UTC"))
        weekday = _DAYS[rest[0][:3].lower()]
        rest = rest[1:]
    if not rest or not _TIME.match(rest[0]):
        raise BadSchedule(_("give the time as HH:MM, e.g. 08:00"))
    hour, minute = (int(part) for part in rest[0].split(":"))
    zone = rest[1] if len(rest) > 1 else "UTC"
    if len(rest) > 2:
        raise BadSchedule(_("too many words: daily 08:00 Europe/Madrid"))
    return Schedule(every, time(hour, minute), _zone_name(zone), weekday)


def _zone_name(name: str) -> str:
    """A known IANA time zone name, else BadSchedule."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # "Europe" is a folder
        raise BadSchedule(
            _("unknown time zone %(zone)r; use e.g. Europe/Madrid or UTC") % {"zone": name[:40]}
        ) from error
    return name


def local_run(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a day.

    A time skipped when clocks spring forward runs that much later (02:30 becomes 03:30); a time
    that happens twice when clocks fall back runs at its first occurrence only.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """The first run strictly after `after` (an aware datetime), in UTC."""
    zone = ZoneInfo(schedule.timezone)
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _day in range(16):
        candidate = local_run(day, schedule.at, zone)
        weekday_ok = schedule.every == "daily" or day.weekday() == schedule.weekday
        if weekday_ok and candidate > after:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("a run always falls within two weeks")
