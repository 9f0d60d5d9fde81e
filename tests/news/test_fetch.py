"""Fetching is safe: http(s) only, public addresses only (redirects too), size and type capped."""

import ipaddress
import time

import httpx
import pytest

from retrieval.news.fetch import (
    FEED_TYPES,
    MAX_BYTES,
    PAGE_TYPES,
    Fetcher,
    FetchError,
    private_link,
)
from tests.feedserver import FeedServer, rss

FAKE_DNS = {
    "news.example": ["93.184.216.34"],
    "intranet.example": ["10.20.30.40"],
    "split.example": ["93.184.216.34", "192.168.0.7"],
    "localhost": ["127.0.0.1", "::1"],
}


def fake_resolver(host: str, port: int) -> list[str]:
    """Resolve from FAKE_DNS; IP literals resolve to themselves; no network."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        if host not in FAKE_DNS:
            raise FetchError(f"cannot resolve {host}") from None
        return FAKE_DNS[host]


class Recorder:
    """A mock transport that answers from a table and records every request it receives."""

    def __init__(self, answers: dict[str, httpx.Response]) -> None:
        self.answers = answers
        self.urls: list[str] = []  # as asked for (Host header), not as connected to
        self.addresses: list[str] = []  # what was connected to

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from the table (404 when unknown)."""
        url = f"{request.url.scheme}://{request.headers['host']}{request.url.raw_path.decode()}"
        self.urls.append(url)
        self.addresses.append(request.url.host)
        return self.answers.get(url, httpx.Response(404))


def strict_fetcher(recorder: Recorder) -> Fetcher:
    """A fetcher with no allowed hosts, fake DNS, and a transport that never leaves the process."""
    return Fetcher(resolver=fake_resolver, transport=httpx.MockTransport(recorder))


@pytest.fixture
def recorder() -> Recorder:
    """An empty mock transport."""
    return Recorder({})


@pytest.fixture
def strict(recorder: Recorder) -> Fetcher:
    """A fetcher that allows no private host, wired to the recorder."""
    return strict_fetcher(recorder)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://news.example/feed.xml", "gopher://news.example/"]
)
def test_only_http_and_https_are_fetched(strict: Fetcher, recorder: Recorder, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        strict.fetch(url)
    assert recorder.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/feed",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost:8000/feed",
        "http://intranet.example/rss",
        "https://split.example/feed",
        "http://0.0.0.0/",
    ],
)
def test_private_and_local_addresses_are_refused_before_connecting(
    strict: Fetcher, recorder: Recorder, url: str
) -> None:
    with pytest.raises(FetchError, match="private or local address"):
        strict.fetch(url)
    assert recorder.urls == []


def test_public_host_is_fetched(strict: Fetcher, recorder: Recorder) -> None:
    recorder.answers["http://news.example/feed"] = httpx.Response(
        200, content=b"<rss/>", headers={"content-type": "application/rss+xml"}
    )
    response = strict.fetch("http://news.example/feed", accept=FEED_TYPES)
    assert response.body == b"<rss/>" and recorder.urls == ["http://news.example/feed"]
    assert recorder.addresses == [FAKE_DNS["news.example"][0]]  # the address that was checked


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/secret",
        "/hop",
    ],
)
def test_redirect_from_public_host_to_private_address_is_refused(
    strict: Fetcher, recorder: Recorder, location: str
) -> None:
    recorder.answers["http://news.example/feed"] = httpx.Response(
        302, headers={"location": location}
    )
    recorder.answers["http://news.example/hop"] = httpx.Response(
        307, headers={"location": "http://intranet.example/"}
    )
    with pytest.raises(FetchError, match="private or local"):
        strict.fetch("http://news.example/feed")
    assert recorder.urls[0] == "http://news.example/feed"
    assert all(url.startswith("http://news.example/") for url in recorder.urls)


def test_redirect_to_a_file_url_is_refused(strict: Fetcher, recorder: Recorder) -> None:
    recorder.answers["http://news.example/feed"] = httpx.Response(
        301, headers={"location": "file:///etc/passwd"}
    )
    with pytest.raises(FetchError, match="only http"):
        strict.fetch("http://news.example/feed")


def test_malformed_redirect_is_a_fetch_error(strict: Fetcher, recorder: Recorder) -> None:
    recorder.answers["http://news.example/feed"] = httpx.Response(
        302, headers={"location": "http://[oops/feed"}
    )
    with pytest.raises(FetchError, match="malformed"):
        strict.fetch("http://news.example/feed")
    with pytest.raises(FetchError, match="malformed"):
        strict.fetch("http://[oops/feed")
    assert recorder.urls == ["http://news.example/feed"]


def test_redirect_on_the_local_server_to_a_private_address_is_refused(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.redirect("/moved", "http://10.0.0.1/feed.xml")
    with pytest.raises(FetchError, match=r"10\.0\.0\.1 is a private or local address"):
        fetcher.fetch(feed_server.url("/moved"))


def test_redirects_are_followed(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set("/new.xml", rss([]))
    feed_server.redirect("/old.xml", "/new.xml", status=301)
    response = fetcher.fetch(feed_server.url("/old.xml"), accept=FEED_TYPES)
    assert response.url == feed_server.url("/new.xml") and b"<rss" in response.body


def test_redirect_loop_gives_up(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.fetch(feed_server.url("/loop"))


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "streamed"])
def test_oversized_body_is_refused(
    feed_server: FeedServer, fetcher: Fetcher, declare: bool
) -> None:
    feed_server.huge("/big.xml", 6 * 1024 * 1024, declare=declare)
    with pytest.raises(FetchError, match="is too large"):
        fetcher.fetch(feed_server.url("/big.xml"), accept=FEED_TYPES)


def test_body_just_under_the_cap_is_read(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.huge("/fat.xml", MAX_BYTES, declare=False)
    assert len(fetcher.fetch(feed_server.url("/fat.xml")).body) == MAX_BYTES


def test_a_slow_drip_is_cut_off(feed_server: FeedServer) -> None:
    feed_server.huge("/slow.xml", 40 * 64 * 1024, declare=False, pause=0.1)
    fetcher = Fetcher(allowed_hosts=frozenset({"127.0.0.1"}), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slow"):
        fetcher.fetch(feed_server.url("/slow.xml"))
    assert time.monotonic() - started < 2


def test_wrong_content_type_is_refused(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set("/feed", "<html><body>Hi</body></html>", content_type="text/html")
    feed_server.set("/photo", b"\x89PNG", content_type="image/png")
    with pytest.raises(FetchError, match="is text/html, not a feed"):
        fetcher.fetch(feed_server.url("/feed"), accept=FEED_TYPES)
    with pytest.raises(FetchError, match="image/png"):
        fetcher.fetch(feed_server.url("/photo"), accept=PAGE_TYPES)
    assert fetcher.fetch(feed_server.url("/feed"), accept=PAGE_TYPES).body.startswith(b"<html>")


def test_http_errors_are_reported(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set("/gone", "gone", status=410)
    with pytest.raises(FetchError, match="HTTP 410"):
        fetcher.fetch(feed_server.url("/gone"))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(feed_server.url("/never-set"))


def test_conditional_get_answers_not_modified(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set("/feed.xml", rss([]), etag='"v1"', headers={"Last-Modified": "Wed, 01 May"})
    first = fetcher.fetch(feed_server.url("/feed.xml"), accept=FEED_TYPES)
    again = fetcher.fetch(
        feed_server.url("/feed.xml"), accept=FEED_TYPES, etag=first.etag, last_modified="Wed"
    )
    assert (first.not_modified, first.etag, first.last_modified) == (False, '"v1"', "Wed, 01 May")
    assert again.not_modified and again.body == b""
    sent = feed_server.requests_for("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Wed"
    feed_server.set("/feed.xml", rss([{"title": "new"}]), etag='"v2"')
    changed = fetcher.fetch(feed_server.url("/feed.xml"), accept=FEED_TYPES, etag='"v1"')
    assert not changed.not_modified and changed.etag == '"v2"' and b"new" in changed.body


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [
        ("text/html; charset=iso-8859-1", "latin-1"),
        ('text/html; charset="windows-1252"', "cp1252"),
        ("text/html", "utf-8"),
        ("text/html; charset=no-such-charset", "utf-8"),
    ],
)
def test_text_is_decoded_with_the_declared_charset(
    feed_server: FeedServer, fetcher: Fetcher, content_type: str, encoding: str
) -> None:
    words = "Zürich: café owners say “déjà vu”" if encoding != "latin-1" else "Zürich café"
    feed_server.set("/page", words.encode(encoding), content_type=content_type)
    assert fetcher.fetch(feed_server.url("/page")).text() == words


def test_dns_rebinding_cannot_swap_in_a_private_address(recorder: Recorder) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # public when checked, private after
    fetcher = strict_fetcher(recorder)
    fetcher.resolver = lambda host, port: next(answers)
    recorder.answers["http://rebind.example/feed"] = httpx.Response(200, content=b"ok")
    assert fetcher.fetch("http://rebind.example/feed").body == b"ok"
    assert recorder.addresses == ["93.184.216.34"]


def test_headers_trickled_a_byte_at_a_time_are_cut_off_at_the_deadline(
    feed_server: FeedServer,
) -> None:
    feed_server.trickle("/trickle.xml", rss([]), seconds=8, pause=0.2)
    fetcher = Fetcher(allowed_hosts=frozenset({"127.0.0.1"}), timeout=1.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slow"):
        fetcher.fetch(feed_server.url("/trickle.xml"), accept=FEED_TYPES)
    assert time.monotonic() - started < 4  # the server would have taken 8 s


def test_a_slow_host_lookup_counts_against_the_deadline(recorder: Recorder) -> None:
    def stuck_resolver(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["93.184.216.34"]

    fetcher = Fetcher(resolver=stuck_resolver, timeout=0.5, transport=httpx.MockTransport(recorder))
    with pytest.raises(FetchError, match="too slow"):
        fetcher.fetch("http://news.example/feed")
    assert recorder.urls == []


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://10.1.2.3/story", True),
        ("http://[::1]:8080/story", True),
        ("http://[::ffff:192.168.0.1]/story", True),
        ("http://localhost:8000/story", True),
        ("http://router/admin", True),
        ("http://printer.local/", True),
        ("javascript:alert(1)", True),
        ("http://[oops/story", True),
        ("https://news.example/story", False),
        ("http://93.184.216.34/story", False),
        ("http://[2606:4700::1111]/story", False),
    ],
)
def test_links_to_private_addresses_are_recognised_without_dns(url: str, private: bool) -> None:
    assert private_link(url) is private
    assert not private_link("http://127.0.0.1:8080/story", frozenset({"127.0.0.1"}))
