"""Poll feeds: fetch conditionally, read new and edited items, fetch full pages, store them."""

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from retrieval.core.collection import Collection
from retrieval.core.ingest import content_hash
from retrieval.news.discovery import locate_feed
from retrieval.news.feeds import Feed, FeedError, FeedItem, newest, parse_feed
from retrieval.news.fetch import (
    FEED_TYPES,
    PAGE_TYPES,
    Fetcher,
    FetchError,
    Response,
    private_link,
)
from retrieval.news.store import MAX_BACKOFF, FeedNotFound, FeedRecord, ItemState, open_feeds
from retrieval.text.documents import DocumentError, Failure, RawArticle, from_html, from_record
from retrieval.text.urls import canonical_url

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Page = RawArticle | FetchError | None  # an item's page: read, failed, or not reached in time

PARALLEL_FETCHES = 8  # feeds downloaded side by side
PAGE_FETCHES = 8  # item pages of one feed fetched side by side
PAGE_GRACE = 5.0  # seconds past the fetch deadline for pages still being read to finish
MAX_ITEMS = 200  # the newest items read from a feed per poll
CLAIM = timedelta(minutes=10)  # how long other processes leave a feed being polled alone


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


@dataclass(frozen=True)
class Fresh:
    """An item to store: as the feed gave it (link checked), its hash, what was known of it."""

    item: FeedItem
    digest: str
    known: ItemState | None


@dataclass(frozen=True)
class Download:
    """A feed as downloaded: `feed` None when not modified; else the items to store, pages."""

    response: Response
    feed: Feed | None
    fresh: list[Fresh] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # by item guid
    warnings: list[str] = field(default_factory=list)


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
        outcome = self._take(feed, self._read(feed, found.response, found.feed))
        return FeedOutcome(self.feeds.get(feed.id), outcome.new, outcome.updated), new

    def poll_due(self) -> PollReport:
        """Poll every feed whose time has come and that no other process is polling."""
        return self._poll(self.feeds.claim_due(self.clock(), CLAIM))

    def poll_all(self, on_feed: Callable[[FeedOutcome], None] | None = None) -> PollReport:
        """Poll every feed now; `on_feed` hears of each feed as it is done."""
        return self._poll(self.feeds.all(), on_feed)

    def _poll(
        self, feeds: list[FeedRecord], on_feed: Callable[[FeedOutcome], None] | None = None
    ) -> PollReport:
        """Download feeds side by side, storing each as it arrives; one failure stops no other.

        Every download ends within its fetch deadlines, so a stuck server delays no other
        feed's articles and the cycle by at most that long.
        """
        report = PollReport()
        pool = ThreadPoolExecutor(PARALLEL_FETCHES, thread_name_prefix="feeds")
        try:
            downloads = {pool.submit(self._download, feed): feed for feed in feeds}
            for done in as_completed(downloads):
                feed = downloads[done]
                try:
                    report.feeds.append(self._take(feed, done.result()))
                except Exception as error:  # a bug must not stop the other feeds
                    log.exception("polling feed %s failed unexpectedly", feed.url)
                    reason = f"internal error: {error.__class__.__name__}"
                    self.feeds.failed(feed, self.clock(), reason)
                    report.feeds.append(FeedOutcome(feed, error=f"internal error: {error!r}"[:300]))
                if on_feed:
                    on_feed(report.feeds[-1])
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return report

    def poll(self, feed: FeedRecord) -> FeedOutcome:
        """Poll one feed and store its new and edited items; errors are kept on the feed."""
        return self._take(feed, self._download(feed))

    def _download(self, feed: FeedRecord) -> Download | Exception:
        """Fetch (conditionally) and read a feed with its items' pages; errors are returned.

        The feed is fetched unconditionally when one of its items is due to retry its page.
        """
        try:
            if self.feeds.page_retry_due(feed.id, self.clock()):
                response = self.fetcher.fetch(feed.url, accept=FEED_TYPES)
            else:
                response = self.fetcher.fetch(
                    feed.url, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
                )
            if response.not_modified:
                return Download(response, None)
            return self._read(
                feed, response, parse_feed(response.body, feed.url, response.content_type)
            )
        except Exception as error:  # handed to _take, in the polling thread
            return error

    def _read(self, feed: FeedRecord, response: Response, parsed: Feed) -> Download:
        """The newest items not stored yet, edited, or due to retry their page; their pages."""
        items, cut = newest(parsed.items, MAX_ITEMS)
        warnings = [warning for warning in (parsed.warning, cut) if warning]
        known = self.feeds.items(feed.id)
        now = self.clock().isoformat(timespec="seconds")
        fresh = []
        for item in items:
            digest = _item_hash(item)
            state = known.get(item.guid)
            if (
                state
                and state.item_hash == digest
                and not (state.page_retry_at and state.page_retry_at <= now)
            ):
                continue
            if item.url and private_link(item.url, self.fetcher.allowed_hosts):
                warnings.append(f"left out the link of item {item.guid[:100]}: a private address")
                item = replace(item, url=None)
            fresh.append(Fresh(item, digest, state))
        pages = self._pages([entry.item for entry in fresh if entry.item.summary_only])
        return Download(response, parsed, fresh, pages, warnings)

    def _pages(self, items: list[FeedItem]) -> dict[str, Page]:
        """The pages of summary-only items, fetched side by side within one fetch deadline."""
        if not items:
            return {}
        pool = ThreadPoolExecutor(PAGE_FETCHES, thread_name_prefix="pages")
        try:
            fetches = {
                pool.submit(page_article, self.fetcher, item.url or ""): item for item in items
            }
            wait(fetches, timeout=self.fetcher.timeout + PAGE_GRACE)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)  # what is late is left to finish alone
        return {item.guid: _page(fetch, item) for fetch, item in fetches.items()}

    def _take(self, feed: FeedRecord, download: Download | Exception) -> FeedOutcome:
        """Store what a download brought, or record why it failed."""
        outcome = FeedOutcome(feed)
        if isinstance(download, (FetchError, FeedError)):
            outcome.error = str(download)
            log.warning("feed %s failed: %s", feed.url, download)
            self.feeds.failed(feed, self.clock(), str(download))
            return outcome
        if isinstance(download, Exception):
            raise download
        if download.feed is None:
            outcome.unchanged = True
            self.feeds.polled(feed, self.clock(), unchanged=True)
            return outcome
        outcome.warnings.extend(download.warnings)
        self._store_items(feed, download, download.feed.title, outcome)
        self.feeds.polled(
            feed,
            self.clock(),
            title=download.feed.title,
            etag=download.response.etag,
            last_modified=download.response.last_modified,
            warning="; ".join(outcome.warnings) or None,
        )
        return outcome

    def _store_items(
        self, feed: FeedRecord, download: Download, outlet: str | None, outcome: FeedOutcome
    ) -> None:
        """Ingest the fresh items, then remember each with when to retry its page, if ever."""
        stored: list[tuple[Fresh, RawArticle, tuple[int, datetime] | None]] = []
        for entry in download.fresh:
            try:
                raw, retry = self._article(feed, entry, download.pages, outlet, outcome)
            except Exception as error:  # one bad item must not stop the others
                log.exception("item %s of feed %s failed unexpectedly", entry.item.guid, feed.url)
                outcome.warnings.append(
                    f"skipped item {entry.item.guid[:100]}: internal error {error!r}"[:300]
                )
                continue
            if raw is not None:
                stored.append((entry, raw, retry))
        if not stored:
            return
        report = self.collection.ingest(raw for _, raw, _ in stored)
        outcome.new += report.added
        outcome.updated += report.updated
        for entry, raw, retry in stored:
            key = self.collection.store.find_key(url=raw.url) if raw.url else None
            key = key or self.collection.store.find_key(content_hash=content_hash(raw))
            if key is not None:
                item = entry.item
                self.feeds.record_item(feed.id, item.guid, item.url, entry.digest, key.id, retry)

    def _article(
        self,
        feed: FeedRecord,
        entry: Fresh,
        pages: dict[str, Page],
        outlet: str | None,
        outcome: FeedOutcome,
    ) -> tuple[RawArticle | None, tuple[int, datetime] | None]:
        """An item as an article, from its page when the feed has only a summary.

        Also when to try the page again: (errors so far, next try), None when not needed.
        """
        item, retry = entry.item, None
        if item.summary_only and item.url:
            page = pages.get(item.guid)
            if isinstance(page, RawArticle):
                return _full(item, page, outlet), None
            retry = self._retry(feed, entry, page)
            if page is not None:
                outcome.warnings.append(f"kept the feed's summary of {item.url}: {page}")
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
            return None, None
        return read, retry

    def _retry(self, feed: FeedRecord, entry: Fresh, page: Page) -> tuple[int, datetime]:
        """When to try an item's page again: next poll if it was not reached, else backing off."""
        errors = entry.known.page_errors if entry.known else 0
        if page is None:
            return errors, self.clock()
        delay = min(timedelta(minutes=feed.interval_minutes) * 2**errors, MAX_BACKOFF)
        return errors + 1, self.clock() + delay


def _page(fetch: Future[RawArticle], item: FeedItem) -> Page:
    """What fetching an item's page came to: None when it was not done in time."""
    if fetch.cancelled() or not fetch.done():
        return None
    error = fetch.exception()
    if error is None:
        return fetch.result()
    if isinstance(error, FetchError):
        return error
    log.warning("reading the page of %s failed unexpectedly", item.url, exc_info=error)
    return FetchError(f"cannot read {item.url}: {error!r}"[:300])


def _full(item: FeedItem, page: RawArticle, outlet: str | None) -> RawArticle:
    """A summary-only item with the text of its page."""
    return RawArticle(
        title=item.title or page.title,
        text=page.text,
        source=publisher(page.source, item.url or "") or outlet,
        published=item.published or page.published,
        url=item.url,
        language=page.language,
        origin=item.guid,
    )


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
