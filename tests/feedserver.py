"""A local HTTP server for tests: feeds and pages from a mutable route table, requests recorded."""

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Route:
    """What the server answers on one path."""

    body: bytes
    content_type: str = "application/rss+xml"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    huge: int = 0  # when set, stream this many bytes instead of `body`
    declare_length: bool = True
    pause: float = 0.0  # seconds between the pieces of a streamed body, or of trickled headers
    trickle: float = 0.0  # when set, send the headers a byte per `pause` for this many seconds


class _Server(ThreadingHTTPServer):
    """A threaded server whose listen queue takes parallel pollers (the default of 5 drops SYNs)."""

    request_queue_size = 128


@dataclass(frozen=True)
class Request:
    """A request the server received: its path (with query) and headers (lower-case names)."""

    path: str
    headers: Mapping[str, str]


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 with a route table tests can change at any time."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> "FeedServer":
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def set(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "application/rss+xml",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
    ) -> None:
        """Serve `body` on `path`; with an etag, answer 304 to a matching If-None-Match."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._route(path, Route(data, content_type, status, dict(headers or {}), etag))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect `path` to `location`."""
        self._route(path, Route(b"", "text/plain", status, {"Location": location}))

    def huge(
        self,
        path: str,
        size: int,
        content_type: str = "application/rss+xml",
        declare: bool = True,
        pause: float = 0.0,
    ) -> None:
        """Stream `size` bytes on `path`, with or without Content-Length, `pause` s per piece."""
        route = Route(b"", content_type, huge=size, declare_length=declare, pause=pause)
        self._route(path, route)

    def trickle(
        self,
        path: str,
        body: str | bytes,
        seconds: float,
        pause: float = 0.5,
        content_type: str = "application/rss+xml",
    ) -> None:
        """Serve `body` on `path` after dripping a header, a byte per `pause`, for `seconds`."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._route(path, Route(data, content_type, pause=pause, trickle=seconds))

    def requests_for(self, path: str) -> list[Request]:
        """The requests received for one path (query included), oldest first."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def _route(self, path: str, route: Route) -> None:
        """Install a route."""
        with self._lock:
            self.routes[path] = route

    def _lookup(self, path: str) -> Route | None:
        """The route for a path: exact (with query) first, then without the query."""
        with self._lock:
            return self.routes.get(path) or self.routes.get(path.split("?")[0])

    def _record(self, request: Request) -> None:
        """Remember a request."""
        with self._lock:
            self.requests.append(request)


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one FeedServer."""

    class Handler(BaseHTTPRequestHandler):
        """Answers GETs from the route table."""

        def do_GET(self) -> None:
            """Answer from the route table, 404 when no route."""
            headers = {name.lower(): value for name, value in self.headers.items()}
            server._record(Request(self.path, headers))
            route = server._lookup(self.path)
            if route is None:
                self._answer(404, "text/plain", b"not found", {})
            elif route.etag and headers.get("if-none-match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
            elif route.huge:
                self._stream(route)
            elif route.trickle:
                self._trickle(route)
            else:
                extra = dict(route.headers)
                if route.etag:
                    extra["ETag"] = route.etag
                self._answer(route.status, route.content_type, route.body, extra)

        def _answer(
            self, status: int, content_type: str, body: bytes, headers: Mapping[str, str]
        ) -> None:
            """Send a whole response."""
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, route: Route) -> None:
            """Send a huge body piece by piece; the client hanging up early is expected."""
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.declare_length:
                self.send_header("Content-Length", str(route.huge))
            self.end_headers()
            try:
                for piece in _pieces(route.huge):
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(route.pause)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def _trickle(self, route: Route) -> None:
            """Send the status line, then one header a byte at a time, then the response."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(max(1, round(route.trickle / route.pause))):
                    self.wfile.write(b"z")
                    self.wfile.flush()
                    time.sleep(route.pause)
                self.wfile.write(
                    f"\r\nContent-Type: {route.content_type}\r\n"
                    f"Content-Length: {len(route.body)}\r\n\r\n".encode()
                    + route.body
                )
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    return Handler


def _pieces(size: int) -> Iterator[bytes]:
    """`size` bytes of XML-ish filler in pieces."""
    filler = (b"<item><title>filler</title></item>\n" * (CHUNK // 35 + 1))[:CHUNK]
    while size > 0:
        yield filler[:size]
        size -= CHUNK


def rss(items: list[dict[str, str]], title: str = "Test Wire") -> str:
    """An RSS 2.0 document; item keys: title, link, guid, description, content, pubDate."""
    entries = []
    for item in items:
        parts = []
        for key in ("title", "link", "description", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if "content" in item:
            parts.append(f"<content:encoded>{escape(item['content'])}</content:encoded>")
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>https://wire.example/</link>"
        "<description>test feed</description>" + "".join(entries) + "</channel></rss>"
    )


def atom(items: list[dict[str, str]], title: str = "Test Atom") -> str:
    """An Atom 1.0 document; item keys: title, link, guid (id), description, content, updated."""
    entries = []
    for item in items:
        parts = [f"<title>{escape(item.get('title', ''))}</title>"]
        if "link" in item:
            parts.append(f'<link rel="alternate" href={quoteattr(item["link"])}/>')
        if "guid" in item:
            parts.append(f"<id>{escape(item['guid'])}</id>")
        if "updated" in item:
            parts.append(f"<updated>{escape(item['updated'])}</updated>")
        if "description" in item:
            parts.append(f'<summary type="html">{escape(item["description"])}</summary>')
        if "content" in item:
            parts.append(f'<content type="html">{escape(item["content"])}</content>')
        entries.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        "<updated>2024-05-01T00:00:00Z</updated>" + "".join(entries) + "</feed>"
    )


def page(title: str, paragraphs: list[str]) -> str:
    """An article web page with some site chrome around the paragraphs."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
        "</title></head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright Example News. All rights reserved.</footer></body></html>"
    )
