"""Articles as read from files, records and pages, before storing; and what could not be read."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RawArticle:
    """An article read from a file, a record or a page, not stored yet."""

    title: str
    text: str
    source: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    origin: str | None = None
    # What was dropped while reading it, for people ("unreadable date '…'; stored without it").
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """A file or record that could not be read, and why."""

    name: str
    reason: str
