"""Read RSS and Atom feeds into items: id, link, title, date and whatever text they carry."""

import calendar
import hashlib
import html
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import feedparser

from retrieval.text.dates import UnreadableDate, iso_date
from retrieval.text.urls import canonical_url

_TAG = re.compile(r"<[^>]*>")
FULL_TEXT_CHARS = 600  # an item carrying less text than this is a summary: fetch the page


class FeedError(ValueError):
    """A document that is not a readable RSS or Atom feed."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed."""

    guid: str
    url: str | None
    title: str
    text: str
    published: str | None

    @property
    def summary_only(self) -> bool:
        """Whether the feed carries only a teaser, so the full article must be fetched."""
        return len(self.text) < FULL_TEXT_CHARS and self.url is not None


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title, its items, and a warning when the XML was damaged."""

    title: str | None
    items: list[FeedItem]
    warning: str | None = None


def parse_feed(body: bytes | str, url: str, content_type: str = "") -> Feed:
    """Parse RSS or Atom; damaged XML is read as far as possible, unreadable XML is an error."""
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(
        body, sanitize_html=False, resolve_relative_uris=True, response_headers=headers
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    items = _unique([item for entry in parsed.entries if (item := _item(entry, url)) is not None])
    if not parsed.get("version") and not items:
        reason = f" ({problem})" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{reason}")
    warning = f"damaged XML, read {len(items)} items anyway ({problem})" if problem else None
    title = " ".join(str(parsed.feed.get("title", "")).split()) or None
    return Feed(title, items, warning)


def newest(items: list[FeedItem], limit: int) -> tuple[list[FeedItem], str | None]:
    """The `limit` newest items (undated ones after dated, in feed order), and a warning if cut."""
    if len(items) <= limit:
        return items, None
    kept = sorted(items, key=lambda item: item.published or "", reverse=True)[:limit]  # stable
    return kept, f"the feed lists {len(items):,} items; read the newest {limit}"


def _unique(items: list[FeedItem]) -> list[FeedItem]:
    """Items with distinct GUIDs: ones sharing a GUID are told apart by their content."""
    shared = {guid for guid, count in Counter(item.guid for item in items).items() if count > 1}
    unique: dict[str, FeedItem] = {}
    for item in items:
        if item.guid in shared:
            said = "\n".join([item.title, item.text, item.url or ""]).encode("utf-8")
            item = replace(item, guid=f"{item.guid}#{hashlib.sha256(said).hexdigest()[:16]}")
        unique.setdefault(item.guid, item)  # the very same item twice is one item
    return list(unique.values())


def _item(entry: feedparser.FeedParserDict, feed_url: str) -> FeedItem | None:
    """An item from a feed entry; entries with neither link nor text are dropped."""
    url = _link(entry.get("link"))
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    text = max(contents, key=len) if contents else entry.get("summary", "")
    title = " ".join(html.unescape(_TAG.sub(" ", str(entry.get("title", "")))).split())
    if not url and not text.strip():
        return None
    guid = str(entry.get("id") or url or f"{feed_url}#{title}")
    return FeedItem(guid, url, title, text.strip(), _published(entry))


def _link(link: str | None) -> str | None:
    """The canonical form of an item's http(s) link; None when missing or malformed."""
    if not link or not link.startswith(("http://", "https://")):
        return None
    try:
        return canonical_url(link)
    except ValueError:  # "http://[oops/", a port out of range...
        return None


def _published(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's publication (else update) time as ISO 8601 UTC, else read leniently.

    A date that cannot be read is left out; the item is kept.
    """
    moment: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if moment:
        return datetime.fromtimestamp(calendar.timegm(moment), UTC).isoformat()
    try:
        return iso_date(entry.get("published") or entry.get("updated"))
    except UnreadableDate:
        return None
