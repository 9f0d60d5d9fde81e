"""Publication dates read leniently: ISO 8601 first, then what python-dateutil understands."""

import re
from datetime import date, datetime
from typing import ClassVar

from dateutil import parser as dateutil_parser

_SPANISH_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
_SPANISH_DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_YEAR_FIRST = re.compile(r"\s*\d{4}\b")
# Two defaults that differ in every field: a field missing from the text shows as a difference.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


class UnreadableDate(ValueError):
    """A date that cannot be read with confidence; the message says why, for people."""


class _EnglishAndSpanish(dateutil_parser.parserinfo):
    """dateutil's English words plus Spanish month and weekday names ("3 de mayo de 2012")."""

    JUMP: ClassVar = [*dateutil_parser.parserinfo.JUMP, "de", "del"]
    MONTHS: ClassVar = [
        (*names, spanish, spanish[:3])
        for names, spanish in zip(dateutil_parser.parserinfo.MONTHS, _SPANISH_MONTHS, strict=True)
    ]
    WEEKDAYS: ClassVar = [
        (*names, spanish)
        for names, spanish in zip(dateutil_parser.parserinfo.WEEKDAYS, _SPANISH_DAYS, strict=True)
    ]


_WORDS = _EnglishAndSpanish()


def iso_date(value: object) -> str | None:
    """An ISO 8601 date, or date-time when a time is given, read leniently; None when blank.

    Raises UnreadableDate for text that is no date, lacks its day ("May 2017") or reads two
    ways ("03/02/2017"): a date guessed wrong would be worse than none.
    """
    if value is None or value == "":
        return None
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return _lenient(text)


def _lenient(text: str) -> str:
    """A date that is not strict ISO 8601, read by python-dateutil."""
    shown = text[:40]
    # A year written first is always year-month-day; otherwise day and month may be swapped.
    orders = (False,) if _YEAR_FIRST.match(text) else (False, True)
    readings = []
    for dayfirst in orders:
        try:
            first, second = (
                dateutil_parser.parse(text, _WORDS, default=default, dayfirst=dayfirst)
                for default in _DEFAULTS
            )
        except (ValueError, OverflowError) as error:
            raise UnreadableDate(f"unreadable date '{shown}'") from error
        if first != second:
            raise UnreadableDate(f"incomplete date '{shown}' (a day, month and year are needed)")
        readings.append(first)
    if len(set(readings)) > 1:
        raise UnreadableDate(f"ambiguous date '{shown}' (day or month first?)")
    moment = readings[0]
    if moment.tzinfo is None and moment.time() == datetime.min.time():
        return moment.date().isoformat()
    return moment.isoformat()
