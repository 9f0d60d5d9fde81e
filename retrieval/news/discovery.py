"""Feed autodiscovery: the feeds a web page names in <link rel="alternate" type="…rss/atom…">."""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from retrieval.news.feeds import Feed, FeedError, parse_feed
from retrieval.news.fetch import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError, Response
from retrieval.text.urls import canonical_url

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml")


class _FeedLinks(HTMLParser):
    """Collects the page's base URL and its alternate links to RSS or Atom feeds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note <base href> and every <link rel="alternate"> to a feed."""
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        if tag != "link" or not values.get("href"):
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_LINK_TYPES:
            self.links.append(values["href"])


def feed_links(html: str, page_url: str) -> list[str]:
    """The absolute http(s) addresses of the feeds a page announces, in page order, each once."""
    parser = _FeedLinks()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: list[str] = []
    for href in parser.links:
        try:
            url = urljoin(base, href)
        except ValueError:  # a malformed href ("http://[oops/") names no feed
            continue
        if url.startswith(("http://", "https://")) and url not in found:
            found.append(url)
    return found


MAX_CANDIDATES = 3  # feeds a page names that are tried, in order


@dataclass(frozen=True)
class FoundFeed:
    """A feed found at an address: directly, or through the page that names it."""

    url: str
    response: Response
    feed: Feed
    page: str | None = None  # the web page it was discovered from


def locate_feed(fetcher: Fetcher, url: str) -> FoundFeed:
    """The feed at a URL; for a web page, the first readable feed it names."""
    response = fetcher.fetch(url, accept=FEED_TYPES + PAGE_TYPES)
    kind = response.content_type.lower()
    if not any(page in kind for page in PAGE_TYPES):
        return FoundFeed(url, response, parse_feed(response.body, url, response.content_type))
    candidates = feed_links(response.text(), response.url)
    if not candidates:
        try:  # some servers label their feed text/html
            return FoundFeed(url, response, parse_feed(response.body, url, response.content_type))
        except FeedError:
            raise FeedError(
                "this is a web page that names no RSS or Atom feed "
                '(no <link rel="alternate" type="application/rss+xml">)'
            ) from None
    problems = []
    for candidate in candidates[:MAX_CANDIDATES]:
        try:
            feed_url = canonical_url(candidate)
            found = fetcher.fetch(feed_url, accept=FEED_TYPES)
            feed = parse_feed(found.body, feed_url, found.content_type)
        except (FetchError, FeedError, ValueError) as error:
            problems.append(f"{candidate}: {error}")
            continue
        return FoundFeed(feed_url, found, feed, page=url)
    raise FeedError(f"the page names feeds, but none could be read ({'; '.join(problems)})")
