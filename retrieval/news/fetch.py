"""Fetch feeds and pages from the web safely: public addresses only, size and time capped."""

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 15.0  # seconds for a whole fetch: DNS, connecting, headers, body, redirects
USER_AGENT = "cyberbrief/0.1 (+news alerts; feed reader)"
FEED_TYPES = ("xml", "rss", "atom", "rdf", "text/plain", "octet-stream")  # parser decides
PAGE_TYPES = ("text/html", "application/xhtml")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")

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
    """Every address the system resolver gives for a host."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}") from error
    return [str(info[4][0]) for info in infos]


class Fetcher:
    """Fetches http(s) URLs, refusing non-public addresses unless explicitly allowed.

    Each fetch has one deadline, `timeout` seconds, for everything: resolving, connecting,
    headers and body, over every redirect. A server that trickles its headers or its body a
    byte at a time is given up on as surely as one that never answers.
    """

    def __init__(
        self,
        allowed_hosts: frozenset[str] = frozenset(),
        max_bytes: int = MAX_BYTES,
        timeout: float = TIMEOUT,
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,  # tests: a mock instead of the network
    ) -> None:
        self.allowed_hosts = allowed_hosts
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.resolver = resolver
        self.transport = transport
        self.tls = httpx.create_ssl_context()  # built once: the certificate store is slow to load

    def fetch(
        self,
        url: str,
        accept: tuple[str, ...] = (),
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET a URL, following redirects (each one checked), within the size cap and deadline."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            # a loop of its own per fetch: cancelling it is the only way to bound a whole request
            return asyncio.run(asyncio.wait_for(self._fetch(url, accept, headers), self.timeout))
        except TimeoutError as error:
            raise FetchError(f"{url} is too slow (not fetched in {self.timeout:g} s)") from error

    async def _fetch(self, url: str, accept: tuple[str, ...], headers: dict[str, str]) -> Response:
        """Follow redirects to the final response and read it (cancelled at the deadline)."""
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
            verify=self.tls,
            transport=self.transport,
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                target, pinned, extensions = _pinned(url, await self._check(url))
                try:
                    async with client.stream(
                        "GET", target, headers={**headers, **pinned}, extensions=extensions
                    ) as reply:
                        if reply.is_redirect and "location" in reply.headers:
                            url = _join(url, reply.headers["location"])
                            continue
                        return await self._read(url, reply, accept)
                except httpx.TimeoutException as error:
                    raise FetchError(f"timed out fetching {url}") from error
                except httpx.HTTPError as error:
                    raise FetchError(f"cannot fetch {url}: {error.__class__.__name__}") from error
        raise FetchError(f"too many redirects from {url}")

    async def _read(self, url: str, reply: httpx.Response, accept: tuple[str, ...]) -> Response:
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
        async for piece in reply.aiter_bytes():
            body += piece
            if len(body) > self.max_bytes:
                raise FetchError(f"{url} is too large (over {self.max_bytes:,} bytes)")
        return Response(
            url,
            reply.status_code,
            bytes(body),
            content_type,
            reply.headers.get("etag"),
            reply.headers.get("last-modified"),
        )

    async def _check(self, url: str) -> str | None:
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
        # getaddrinfo cannot be interrupted: it runs in a pool the deadline does not wait for
        lookup = asyncio.get_running_loop().run_in_executor(_LOOKUPS, self.resolver, host, port)
        addresses = await lookup
        for address in addresses:
            if address in self.allowed_hosts:
                continue
            if not _public(ipaddress.ip_address(address.split("%")[0])):
                raise PrivateAddress(host)
        if not addresses:
            raise FetchError(f"cannot resolve {host}")
        return addresses[0]


def private_link(url: str, allowed_hosts: frozenset[str] = frozenset()) -> bool:
    """Whether a link is no public web page: not http(s), a local name or a private address.

    Decided from the link alone, without DNS: for links shown to people, not fetched.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return True
    if parts.scheme not in {"http", "https"} or not host:
        return True
    if host in allowed_hosts:
        return False
    try:
        return not _public(ipaddress.ip_address(host))
    except ValueError:  # a name, not an address
        return "." not in host or host.endswith(LOCAL_SUFFIXES)


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
