"""Fetch feeds and pages from the web safely: public addresses only, size and time capped."""

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 15.0
DNS_TIMEOUT = 10.0
USER_AGENT = "cyberbrief/0.1 (+news alerts; feed reader)"
FEED_TYPES = ("xml", "rss", "atom", "rdf", "text/plain", "octet-stream")  # parser decides
PAGE_TYPES = ("text/html", "application/xhtml")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A URL that could not be fetched or was refused; the message says why, for people."""


class PrivateAddress(FetchError):
    """A host refused because it resolves to a private, local or reserved address."""

    def __init__(self, host: str) -> None:
        super().__init__(f"{host} is a private or local address; refusing to fetch it")
        self.host = host


@dataclass(frozen=True)
class Response:
    """A fetched document, or `not_modified` after a conditional request."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """Whether the server said nothing changed since the validators sent."""
        return self.status == 304

    def text(self) -> str:
        """The body decoded with the charset the server declared, else UTF-8."""
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dns")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host, within DNS_TIMEOUT seconds."""
    lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=DNS_TIMEOUT)  # getaddrinfo itself cannot be interrupted
    except FuturesTimeout as error:
        raise FetchError(f"cannot resolve {host} (DNS timed out)") from error
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}") from error
    return [str(info[4][0]) for info in infos]


class Fetcher:
    """Fetches http(s) URLs, refusing non-public addresses unless explicitly allowed."""

    def __init__(
        self,
        allowed_hosts: frozenset[str] = frozenset(),
        max_bytes: int = MAX_BYTES,
        timeout: float = TIMEOUT,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.allowed_hosts = allowed_hosts
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.resolver = resolver
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def fetch(
        self,
        url: str,
        accept: tuple[str, ...] = (),
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET a URL, following redirects (each one checked), within the size cap."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            target, pinned, extensions = _pinned(url, self.check(url))
            try:
                with self.client.stream(
                    "GET", target, headers={**headers, **pinned}, extensions=extensions
                ) as reply:
                    if reply.is_redirect and "location" in reply.headers:
                        url = _join(url, reply.headers["location"])
                        continue
                    return self._read(url, reply, accept)
            except httpx.TimeoutException as error:
                raise FetchError(f"timed out fetching {url}") from error
            except httpx.HTTPError as error:
                raise FetchError(f"cannot fetch {url}: {error.__class__.__name__}") from error
        raise FetchError(f"too many redirects from {url}")

    def _read(self, url: str, reply: httpx.Response, accept: tuple[str, ...]) -> Response:
        """The body of a final response, refusing errors, wrong types and oversized bodies."""
        if reply.status_code == 304:
            return Response(url, 304, b"", "", None, None)
        if reply.status_code >= 400:
            raise FetchError(f"{url} answered HTTP {reply.status_code}")
        content_type = reply.headers.get("content-type", "")
        if accept and content_type and not any(kind in content_type.lower() for kind in accept):
            raise FetchError(f"{url} is {content_type.split(';')[0]}, not a feed or page")
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url} is too large ({int(declared):,} bytes)")
        body = bytearray()
        # httpx's timeout bounds each read, not the whole body: a slow drip would never end
        deadline = time.monotonic() + self.timeout
        for piece in reply.iter_bytes():
            body += piece
            if len(body) > self.max_bytes:
                raise FetchError(f"{url} is too large (over {self.max_bytes:,} bytes)")
            if time.monotonic() > deadline:
                raise FetchError(f"{url} is too slow (not read in {self.timeout:g} s)")
        return Response(
            url,
            reply.status_code,
            bytes(body),
            content_type,
            reply.headers.get("etag"),
            reply.headers.get("last-modified"),
        )

    def check(self, url: str) -> str | None:
        """Refuse URLs that are not http(s) or whose host resolves to a non-public address.

        Returns the checked address to connect to, so that a second DNS answer cannot swap in
        a private one (DNS rebinding); None for allowed hosts, which are connected to by name.
        """
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise FetchError(f"malformed link {url[:80]!r}") from error
        if parts.scheme not in {"http", "https"}:
            raise FetchError(f"only http and https links can be fetched, not {url[:80]!r}")
        host = parts.hostname
        if not host:
            raise FetchError(f"no host in {url[:80]!r}")
        if host in self.allowed_hosts:
            return None
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise FetchError(f"bad port in {url[:80]!r}") from error
        addresses = self.resolver(host, port)
        for address in addresses:
            if address in self.allowed_hosts:
                continue
            if not _public(ipaddress.ip_address(address.split("%")[0])):
                raise PrivateAddress(host)
        if not addresses:
            raise FetchError(f"cannot resolve {host}")
        return addresses[0]


def _pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with its host replaced by the checked address, the Host header and TLS name."""
    if address is None:
        return url, {}, {}
    parts = urlsplit(url)
    netloc = f"[{address}]" if ":" in address else address
    if parts.port:
        netloc += f":{parts.port}"
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host = parts.netloc.rsplit("@", 1)[-1]
    tls = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return target, {"Host": host}, tls


def _join(url: str, location: str) -> str:
    """The absolute URL a redirect points to; a malformed one is a FetchError."""
    try:
        return urljoin(url, location)
    except ValueError as error:
        raise FetchError(f"{url} redirects to a malformed link {location[:80]!r}") from error


def _public(address: Address) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local…)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
