"""Poll feeds: fetch conditionally, read new and edited items, fetch full pages, store them."""

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from retrieval.core.collection import Collection
from retrieval.core.ingest import content_hash
from retrieval.news.discovery import locate_feed
from retrieval.news.feeds import Feed, FeedError, FeedItem, parse_feed
from retrieval.news.fetch import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError, Response
from retrieval.news.store import FeedNotFound, FeedRecord, open_feeds
from retrieval.text.documents import DocumentError, Failure, RawArticle, from_html, from_record
from retrieval.text.urls import canonical_url

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Download = tuple[Response, Feed | None] | Exception  # (response, None) when not modified

PARALLEL_FETCHES = 8


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    feed: FeedRecord
    new: int = 0
    updated: int = 0
    unchanged: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class PollReport:
    """What a poll cycle did, feed by feed."""

    feeds: list[FeedOutcome] = field(default_factory=list)

    @property
    def new(self) -> int:
        """Articles stored for the first time."""
        return sum(outcome.new for outcome in self.feeds)

    @property
    def errors(self) -> list[FeedOutcome]:
        """The feeds that failed."""
        return [outcome for outcome in self.feeds if outcome.error]


def page_article(fetcher: Fetcher, url: str) -> RawArticle:
    """Fetch one web page and extract its article: text, title, date and outlet."""
    response = fetcher.fetch(url, accept=PAGE_TYPES)
    try:
        return from_html(response.text(), url, response.url)
    except DocumentError as error:
        raise FetchError(f"{url}: {error.reason}") from error


class Poller:
    """Polls the followed feeds into the collection."""

    def __init__(
        self, collection: Collection, fetcher: Fetcher, clock: Clock = lambda: datetime.now(UTC)
    ) -> None:
        self.collection = collection
        self.fetcher = fetcher
        self.feeds = open_feeds(collection.store)
        self.clock = clock

    def add(self, url: str, added_by: int | None = None) -> tuple[FeedOutcome, bool]:
        """Follow a feed (or the feed a page names), storing its items; and whether it is new."""
        try:
            url = canonical_url(url.strip())
        except ValueError as error:  # "http://[oops/", a port out of range...
            raise FetchError(f"malformed link {url[:80]!r}") from error
        try:
            existing = self.feeds.by_url(url)
            return FeedOutcome(existing), False
        except FeedNotFound:
            pass
        found = locate_feed(self.fetcher, url)  # a page names its feed; not a feed: not added
        if found.url != url:
            try:
                return FeedOutcome(self.feeds.by_url(found.url)), False
            except FeedNotFound:
                pass
        feed, new = self.feeds.add(found.url, added_by=added_by)
        outcome = self._take(feed, (found.response, found.feed))
        return FeedOutcome(self.feeds.get(feed.id), outcome.new, outcome.updated), new

    def poll_due(self) -> PollReport:
        """Poll every feed whose time has come."""
        return self._poll(self.feeds.due(self.clock()))

    def poll_all(self, on_feed: Callable[[FeedOutcome], None] | None = None) -> PollReport:
        """Poll every feed now; `on_feed` hears of each feed as it is done."""
        return self._poll(self.feeds.all(), on_feed)

    def _poll(
        self, feeds: list[FeedRecord], on_feed: Callable[[FeedOutcome], None] | None = None
    ) -> PollReport:
        """Download feeds side by side, then store them one by one; one failure stops no other."""
        report = PollReport()
        with ThreadPoolExecutor(PARALLEL_FETCHES, thread_name_prefix="feeds") as pool:
            for feed, download in zip(feeds, pool.map(self._download, feeds), strict=True):
                try:
                    report.feeds.append(self._take(feed, download))
                except Exception as error:  # a bug or a bad item must not stop the other feeds
                    log.exception("polling feed %s failed unexpectedly", feed.url)
                    reason = f"internal error: {error.__class__.__name__}"
                    self.feeds.failed(feed, self.clock(), reason)
                    report.feeds.append(FeedOutcome(feed, error=f"internal error: {error!r}"[:300]))
                if on_feed:
                    on_feed(report.feeds[-1])
        return report

    def poll(self, feed: FeedRecord) -> FeedOutcome:
        """Poll one feed and store its new and edited items; errors are kept on the feed."""
        return self._take(feed, self._download(feed))

    def _download(self, feed: FeedRecord) -> Download:
        """Fetch (conditionally) and parse a feed; any error is returned, not raised."""
        try:
            response = self.fetcher.fetch(
                feed.url, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
            )
            if response.not_modified:
                return response, None
            return response, parse_feed(response.body, feed.url, response.content_type)
        except Exception as error:  # handed to _take, in the polling thread
            return error

    def _take(self, feed: FeedRecord, download: Download) -> FeedOutcome:
        """Store what a download brought, or record why it failed."""
        outcome = FeedOutcome(feed)
        if isinstance(download, (FetchError, FeedError)):
            outcome.error = str(download)
            log.warning("feed %s failed: %s", feed.url, download)
            self.feeds.failed(feed, self.clock(), str(download))
            return outcome
        if isinstance(download, Exception):
            raise download
        response, parsed = download
        if parsed is None:
            outcome.unchanged = True
            # keep the last parse warning, but not the error of a failed poll since then
            warning = None if feed.errors else feed.last_error
            self.feeds.polled(feed, self.clock(), warning=warning)
            return outcome
        if parsed.warning:
            outcome.warnings.append(parsed.warning)
        self._store_items(feed, parsed.items, parsed.title, outcome)
        self.feeds.polled(
            feed,
            self.clock(),
            title=parsed.title,
            etag=response.etag,
            last_modified=response.last_modified,
            warning="; ".join(outcome.warnings)[:500] or None,
        )
        return outcome

    def _store_items(
        self, feed: FeedRecord, items: list[FeedItem], outlet: str | None, outcome: FeedOutcome
    ) -> None:
        """Read the items not stored yet (or changed since), ingest them, remember them."""
        known = self.feeds.item_hashes(feed.id)
        fresh: list[tuple[FeedItem, str, RawArticle]] = []
        for item in items:
            digest = _item_hash(item)
            if known.get(item.guid) == digest:
                continue
            raw, complete = self._article(item, outlet, outcome)
            if raw is not None:  # a summary kept for want of its page is retried next poll
                fresh.append((item, digest if complete else "", raw))
        if not fresh:
            return
        report = self.collection.ingest(raw for _, _, raw in fresh)
        outcome.new += report.added
        outcome.updated += report.updated
        for item, digest, raw in fresh:
            key = self.collection.store.find_key(url=raw.url) if raw.url else None
            key = key or self.collection.store.find_key(content_hash=content_hash(raw))
            if key is not None:
                self.feeds.record_item(feed.id, item.guid, item.url, digest, key.id)

    def _article(
        self, item: FeedItem, outlet: str | None, outcome: FeedOutcome
    ) -> tuple[RawArticle | None, bool]:
        """An item as an article, the full page when the feed has only a summary; and if full."""
        if item.summary_only and item.url:
            try:
                page = page_article(self.fetcher, item.url)
                full = RawArticle(
                    title=item.title or page.title,
                    text=page.text,
                    source=publisher(page.source, item.url) or outlet,
                    published=item.published or page.published,
                    url=item.url,
                    language=page.language,
                    origin=item.guid,
                )
                return full, True
            except FetchError as error:
                outcome.warnings.append(f"kept the feed's summary of {item.url}: {error}")
        record = {
            "title": item.title,
            "text": item.text,
            "url": item.url,
            "published": item.published,
            "source": outlet,
        }
        read = from_record(record, item.guid)
        if isinstance(read, Failure):
            outcome.warnings.append(f"skipped item {item.guid[:100]}: {read.reason}")
            return None, False
        return read, not item.summary_only


def publisher(sitename: str | None, url: str) -> str | None:
    """The publisher a page names (og:site_name, JSON-LD); None when it only knows the host."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    name = (sitename or "").strip()
    bare = name.lower().split(":")[0].removeprefix("www.")
    return None if not name or bare == host else name


def _item_hash(item: FeedItem) -> str:
    """A hash of what a feed says about an item, to notice edits."""
    text = "\n".join([item.title, item.text, item.url or "", item.published or ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
