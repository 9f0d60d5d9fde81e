"""Read articles from files: Markdown with front matter, text, HTML and JSON records."""

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import lxml.html
import trafilatura
import trafilatura.settings
import yaml
from lxml import etree

from retrieval.text.dates import UnreadableDate, iso_date
from retrieval.text.raw import Failure, RawArticle
from retrieval.text.urls import canonical_url

SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".json", ".jsonl"})
MAX_FILE_BYTES = 50 * 1024 * 1024

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n?", re.DOTALL)
_HTML_TAG = re.compile(
    r"<\s*(p|div|br|span|a|b|i|em|strong|h[1-6]|li|ul|ol|article|html|body|script|style|img"
    r"|iframe|object|embed|svg|table|tr|td|blockquote|figure|section|pre|code|font)\b",
    re.I,
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCK_TAGS = frozenset(
    """p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote section article header
    footer""".split()  # noqa: SIM905
)


class DocumentError(ValueError):
    """A file or record that cannot be read as an article; the message says why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def find_files(paths: list[Path]) -> Iterator[Path | Failure]:
    """Expand files and folders into the readable files below them, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = [
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and child.suffix.lower() in SUFFIXES
            ]
            if not found:
                yield Failure(str(path), f"no {', '.join(sorted(SUFFIXES))} files in this folder")
            yield from found
        elif path.is_file():
            yield path
        else:
            yield Failure(str(path), "no such file or folder")


def read_file(path: Path) -> Iterator[RawArticle | Failure]:
    """Read the articles in one file; unreadable files and records become failures."""
    name = str(path)
    try:
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise DocumentError(name, f"unsupported file type '{suffix or path.name}'")
        text = _decode(path)
        if suffix == ".jsonl":
            yield from _jsonl_records(text, name)
        elif suffix == ".json":
            yield from _json_records(text, name)
        elif suffix in {".html", ".htm"}:
            yield from_html(text, name)
        elif suffix == ".txt":
            yield _from_text(text, name)
        else:
            yield from_markdown(text, name)
    except DocumentError as error:
        yield Failure(error.name, error.reason)


def article_count(path: Path) -> int:
    """How many articles or failures read_file gives for a file, found cheaply (for progress)."""
    suffix = path.suffix.lower()
    if suffix not in {".json", ".jsonl"}:
        return 1
    try:
        text = _decode(path)
        if suffix == ".jsonl":
            return sum(1 for line in text.split("\n") if line.strip())
        data = json.loads(text)
    except (DocumentError, json.JSONDecodeError):
        return 1
    return len(data) if isinstance(data, list) else 1


def _decode(path: Path) -> str:
    """Read a file as UTF-8 text, refusing empty, huge, binary and undecodable files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            raise DocumentError(name, "empty file")
        if size > MAX_FILE_BYTES:
            raise DocumentError(name, f"file too large ({size:,} bytes)")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(name, f"cannot read it ({error.strerror or error})") from error
    if b"\x00" in data[:8192]:
        raise DocumentError(name, "binary file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(name, f"not UTF-8 text (byte {error.start})") from error
    if not text.strip():
        raise DocumentError(name, "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def from_markdown(text: str, name: str) -> RawArticle:
    """An article from Markdown with optional YAML front matter."""
    meta: Mapping[str, object] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise DocumentError(name, f"bad front matter ({error.__class__.__name__})") from error
        if not isinstance(loaded, dict):
            raise DocumentError(name, "front matter is not a mapping")
        meta, text = loaded, text[match.end() :]
    body = _plain_markdown(text)
    return _article(meta, body, name)


def _from_text(text: str, name: str) -> RawArticle:
    """An article from plain text: a short first line followed by a blank line is the title."""
    head, _, rest = text.strip().partition("\n")
    if rest.startswith("\n") and len(head) <= 200:
        return _article({"title": head}, rest, name)
    return _article({}, text, name)


def from_html(html: str, name: str, url: str | None = None) -> RawArticle:
    """An article from an HTML page: main text and metadata extracted, page chrome dropped."""
    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if (
        not isinstance(extracted, trafilatura.settings.Document)
        or not (extracted.text or "").strip()
    ):
        raise DocumentError(name, "no article text found in the HTML")
    meta = {
        "title": extracted.title,
        "published": extracted.date,
        "source": extracted.sitename,
        "url": url or extracted.url,
        "language": extracted.language,
    }
    return _article(meta, extracted.text or "", name)


def _json_records(text: str, name: str) -> Iterator[RawArticle | Failure]:
    """Articles from a JSON file holding one record or a list of records."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(name, f"malformed JSON (line {error.lineno}: {error.msg})") from error
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, 1):
        yield from_record(record, f"{name}#{index}" if isinstance(data, list) else name)


def _jsonl_records(text: str, name: str) -> Iterator[RawArticle | Failure]:
    """Articles from JSON Lines, one record per line; a bad line fails alone."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        label = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Failure(label, f"malformed JSON line ({error.msg})")
            continue
        yield from_record(record, label)


def from_record(record: object, name: str) -> RawArticle | Failure:
    """An article from one JSON record with title/text/url/published/source fields."""
    if not isinstance(record, dict):
        return Failure(name, "record is not a JSON object")
    text = record.get("text") or record.get("content") or record.get("body")
    if not isinstance(text, str):
        return Failure(name, "record has no text")
    try:
        if _HTML_TAG.search(text):
            return _article(record, _html_text(text, name), name)
        return _article(record, text, name)
    except DocumentError as error:
        return Failure(error.name, error.reason)


def _html_text(html: str, name: str) -> str:
    """Plain text of an HTML fragment: block elements become paragraphs, tags go."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError) as error:
        raise DocumentError(name, "unreadable HTML in the text") from error
    for element in root.xpath("//script|//style"):
        element.drop_tree()
    for element in root.iter():
        if element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise DocumentError(name, "no text found in the HTML")
    return text


def _plain_markdown(text: str) -> str:
    """Markdown reduced to its words: links keep their text, heading and bold marks go."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def _article(meta: Mapping[str, object], text: str, name: str) -> RawArticle:
    """Validate and normalise metadata and text into a RawArticle."""
    body = _BLANK_LINES.sub("\n\n", text.strip())
    if not body:
        raise DocumentError(name, "no article text")
    title = _string(meta.get("title")) or Path(name.split("#")[0].split(":")[0]).stem
    url = _string(meta.get("url") or meta.get("link"))
    warnings: tuple[str, ...] = ()
    try:
        published = iso_date(meta.get("published") or meta.get("date"))
    except UnreadableDate as error:
        published, warnings = None, (f"{error}; stored without a date",)
    return RawArticle(
        title=" ".join(title.split()),
        text=body,
        source=_string(meta.get("source") or meta.get("outlet") or meta.get("sitename")),
        published=published,
        url=canonical_url(url) if url and url.startswith(("http://", "https://")) else None,
        language=_string(meta.get("language") or meta.get("lang")),
        origin=name,
        warnings=warnings,
    )


def _string(value: object) -> str | None:
    """A stripped non-empty string, or None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
