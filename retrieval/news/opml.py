"""OPML, the list of feeds every feed reader imports and exports."""

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime


class OpmlError(ValueError):
    """A document that is not a readable OPML list of feeds."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed of an OPML list: its address, name, site, language and the folder it sits in."""

    url: str
    title: str | None = None
    site: str | None = None
    language: str | None = None
    category: str | None = None


def read_opml(document: bytes | str) -> list[OpmlFeed]:
    """Every feed (an outline with an xmlUrl) of an OPML document, folders flattened, in order."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as error:
        raise OpmlError(f"not well-formed XML ({error})") from error
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML document (no <opml> with a <body>)")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    _collect(body, None, feeds, seen)
    return feeds


def _collect(
    parent: ET.Element, category: str | None, feeds: list[OpmlFeed], seen: set[str]
) -> None:
    """Add the feeds below an element, each once, remembering the folder they are in."""
    for outline in parent.findall("outline"):
        name = _clean(outline.get("title")) or _clean(outline.get("text"))
        url = _clean(outline.get("xmlUrl"))
        if url:
            if url not in seen:
                seen.add(url)
                feeds.append(
                    OpmlFeed(
                        url,
                        name,
                        _clean(outline.get("htmlUrl")),
                        _clean(outline.get("language")),
                        category,
                    )
                )
        else:
            _collect(outline, name or category, feeds, seen)


def _clean(value: str | None) -> str | None:
    """An attribute with its whitespace tidied; None when empty."""
    cleaned = " ".join((value or "").split())
    return cleaned or None


def write_opml(feeds: Iterable[OpmlFeed], title: str, now: datetime | None = None) -> str:
    """An OPML 2.0 document listing feeds, grouped in folders by category."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            if feed.category not in folders:
                folders[feed.category] = ET.SubElement(
                    body, "outline", text=feed.category, title=feed.category
                )
            parent = folders[feed.category]
        name = feed.title or feed.url
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if feed.site:
            attributes["htmlUrl"] = feed.site
        if feed.language:
            attributes["language"] = feed.language
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
