"""Publication dates: strict ISO 8601 as before, else read leniently, never guessed."""

from datetime import UTC, date, datetime

import pytest

from retrieval.text.dates import UnreadableDate, iso_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("  ", None),
        (date(2012, 5, 3), "2012-05-03"),
        (datetime(2012, 5, 3, 10, tzinfo=UTC), "2012-05-03T10:00:00+00:00"),
        ("2012-05-03", "2012-05-03"),
        ("2012-05-03T10:00Z", "2012-05-03T10:00:00+00:00"),
        ("2012-05-03 10:00", "2012-05-03"),
        ("2017-02-3", "2017-02-03"),
        ("2017-3-2", "2017-03-02"),
        ("13/2/2017", "2017-02-13"),
        ("May 3, 2012", "2012-05-03"),
        ("3 May 2012", "2012-05-03"),
        ("martes, 3 de mayo de 2012", "2012-05-03"),
        ("Thu, 03 May 2012 10:00:00 +0200", "2012-05-03T10:00:00+02:00"),
    ],
)
def test_dates_read(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("yesterday", "unreadable date 'yesterday'"),
        ("2012-13-45", "unreadable date '2012-13-45'"),
        ("May 2017", "incomplete date 'May 2017'"),
        ("2017", "incomplete date '2017'"),
        ("03/02/2017", "ambiguous date '03/02/2017'"),
    ],
)
def test_dates_not_read_with_confidence_are_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(UnreadableDate, match=why):
        iso_date(text)
