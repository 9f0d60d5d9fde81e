"""Operating the bot: Prometheus metrics and a health check, served on a port of their own."""

import json
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from telegram import Update
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)

UPDATES = Counter("cyberbrief_updates", "Telegram updates handled")
ANSWER_SECONDS = Histogram(
    "cyberbrief_answer_seconds",
    "Time to answer a question, from receiving it to the answer being ready",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
ABSTENTIONS = Counter("cyberbrief_abstentions", "Questions the articles did not cover")
ALERTS = Counter("cyberbrief_alerts", "Alerts queued, sent and failed", ["outcome"])
FEED_POLL_ERRORS = Counter("cyberbrief_feed_poll_errors", "Feed polls that failed")


async def count_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count every update the bot receives (run before, and apart from, the real handlers)."""
    if isinstance(update, Update):
        UPDATES.inc()


class MonitoringServer:
    """GET /metrics (Prometheus text format) and GET /healthz (JSON), in a daemon thread."""

    def __init__(self, listen: str, port: int, probe: Callable[[], object]) -> None:
        self.probe = probe
        self.started = time.monotonic()
        self._httpd = ThreadingHTTPServer((listen, port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """The port it listens on (the one chosen when asked for port 0)."""
        return int(self._httpd.server_address[1])

    def start(self) -> "MonitoringServer":
        """Serve in the background."""
        self._thread.start()
        log.info("metrics and health check on port %d", self.port)
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def health(self) -> tuple[int, dict[str, object]]:
        """200 and "ok" when the database answers; 503 and the reason when it does not."""
        uptime = round(time.monotonic() - self.started)
        try:
            self.probe()
        except Exception as error:  # any failure of the probe means unhealthy
            return 503, {"status": "failing", "database": repr(error)[:200], "uptime": uptime}
        return 200, {"status": "ok", "database": "ok", "uptime": uptime}


def _handler(server: MonitoringServer) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to one monitoring server."""

    class Handler(BaseHTTPRequestHandler):
        """Answers /metrics and /healthz; 404 otherwise."""

        def do_GET(self) -> None:
            """Serve metrics or health."""
            path = self.path.split("?")[0]
            if path == "/metrics":
                self._reply(200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY))
            elif path == "/healthz":
                status, body = server.health()
                self._reply(status, "application/json", json.dumps(body).encode())
            else:
                self._reply(404, "text/plain", b"not found: try /metrics or /healthz\n")

        def _reply(self, status: int, content_type: str, body: bytes) -> None:
            """Send a whole response."""
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Scrapes are not worth a log line."""

    return Handler
