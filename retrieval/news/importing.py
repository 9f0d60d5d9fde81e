"""Following many feeds at once, from an OPML list; and the followed feeds as one."""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from retrieval.news.discovery import locate_feed
from retrieval.news.feeds import FeedError
from retrieval.news.fetch import Fetcher, FetchError
from retrieval.news.opml import OpmlFeed
from retrieval.news.store import FeedNotFound, FeedRecord, FeedStore
from retrieval.text.urls import canonical_url

PARALLEL = 8


@dataclass(frozen=True)
class Imported:
    """What became of one feed of a list: followed now, followed already, or why not."""

    entry: OpmlFeed
    feed: FeedRecord | None = None
    new: bool = False
    error: str | None = None


def import_feeds(
    fetcher: Fetcher, store: FeedStore, entries: Sequence[OpmlFeed], added_by: int | None = None
) -> list[Imported]:
    """Follow each feed of a list, checked (a page: the feed it names); the next poll reads them.

    Feeds are checked side by side; one that cannot be read fails alone.
    """
    with ThreadPoolExecutor(PARALLEL, thread_name_prefix="import") as pool:
        return list(pool.map(lambda e: _follow(fetcher, store, e, added_by), entries))


def _follow(fetcher: Fetcher, store: FeedStore, entry: OpmlFeed, added_by: int | None) -> Imported:
    """Check and follow one feed."""
    try:
        return Imported(entry, store.by_url(canonical_url(entry.url)))
    except (FeedNotFound, ValueError):
        pass
    try:
        found = locate_feed(fetcher, canonical_url(entry.url))
    except (FetchError, FeedError, ValueError) as error:
        return Imported(entry, error=str(error)[:300])
    feed, new = store.add(found.url, added_by=added_by)
    return Imported(entry, feed, new)


def as_opml(feeds: Sequence[FeedRecord]) -> list[OpmlFeed]:
    """The followed feeds as entries of an OPML list."""
    return [OpmlFeed(feed.url, feed.title) for feed in feeds]
