"""Feed polling benchmark: 100 feeds of 50 items from a local server, 1,000 subscriptions.

Prints the time of a poll cycle when nothing is new (with and without ETags), and how many
articles per second are fetched, parsed, embedded, stored and matched when everything is new.

    python -m bench.alerts [--feeds 100] [--items 50] [--subscriptions 1000] [--words 120]
"""

import argparse
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import numpy as np

from bench.corpus import ArticleGenerator, vocabulary
from bench.machine import facts
from bench.report import median, table
from retrieval.alerts.alerter import Alerter
from retrieval.alerts.store import open_alerts
from retrieval.core.collection import Collection
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from retrieval.text.query import terms
from tests.feedserver import FeedServer, page, rss

CYCLES = 5


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50, help="items per feed")
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--words", type=int, default=120, help="median words per article")
    return parser.parse_args(argv)


def serve_feeds(server: FeedServer, args: argparse.Namespace, etags: bool) -> list[str]:
    """Publish the feeds on the local server; returns their URLs."""
    generator = ArticleGenerator(vocabulary(), seed=11, median_words=args.words)
    urls = []
    for feed in range(args.feeds):
        items = []
        for n in range(args.items):
            article = generator.article(feed * args.items + n)
            link = f"/articles/{feed}/{n}"  # short items are fetched from here, never elsewhere
            server.set(link, page(article.title, article.text.split("\n\n")), "text/html")
            items.append(
                {
                    "title": article.title,
                    "link": server.url(link),
                    "guid": f"wire{feed}-{n}",
                    "content": article.text,
                    "pubDate": format_datetime(datetime.now(UTC)),
                }
            )
        path = f"/feed{feed}.rss"
        server.set(path, rss(items, title=f"Wire {feed}"), etag=f'"v{feed}"' if etags else None)
        urls.append(server.url(path))
    return urls


def topics(count: int, args: argparse.Namespace) -> list[str]:
    """Topics of three to five words: one in ten taken from a published article, so it matches."""
    words = terms(" ".join(vocabulary()[200:5000]))
    rng = np.random.default_rng(3)
    generator = ArticleGenerator(vocabulary(), seed=11, median_words=args.words)
    found = []
    for n in range(count):
        if n % 10 == 0:
            article = generator.article(int(rng.integers(0, args.feeds * args.items)))
            found.append(" ".join(terms(article.text)[:4]))
        else:
            found.append(" ".join(rng.choice(words, int(rng.integers(3, 6)))))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    args = parse(argv)
    embedder = OnnxEmbedder()
    embedder.load()
    server = FeedServer().start()
    lines = ["# Feed polling and alert matching", "", table(["machine", ""], facts()), ""]
    with tempfile.TemporaryDirectory(prefix="cyberbrief-alerts-") as folder:
        collection = Collection(Store(Path(folder) / "alerts.db"), embedder)
        fetcher = Fetcher(allowed_hosts=frozenset({"127.0.0.1"}))
        poller = Poller(collection, fetcher)
        alerter = Alerter(collection)
        started = time.perf_counter()
        for n, topic in enumerate(topics(args.subscriptions, args)):
            alerter.subscribe(chat_id=n % 200 + 1, user_id=None, text=topic)
        subscribe_seconds = time.perf_counter() - started
        urls = serve_feeds(server, args, etags=True)
        for url in urls:
            poller.feeds.add(url)

        started = time.perf_counter()
        report = poller.poll_all()
        poll_seconds = time.perf_counter() - started
        started = time.perf_counter()
        queued = alerter.match_new()
        match_seconds = time.perf_counter() - started
        stored = report.new
        total = poll_seconds + match_seconds

        quiet_etag = []
        for _ in range(CYCLES):
            started = time.perf_counter()
            poller.poll_all()
            alerter.match_new()
            quiet_etag.append(time.perf_counter() - started)
        serve_feeds(server, args, etags=False)
        quiet_full = []
        for _ in range(CYCLES):
            started = time.perf_counter()
            assert poller.poll_all().new == 0
            alerter.match_new()
            quiet_full.append(time.perf_counter() - started)
        counts = open_alerts(collection.store).counts()
        collection.close()
    server.stop()
    items = args.feeds * args.items
    lines += [
        f"{args.feeds} feeds x {args.items} items (median {args.words} words), "
        f"{args.subscriptions} subscriptions in 200 chats (embedded in {subscribe_seconds:.1f} s).",
        "",
        table(
            ["everything new", "value"],
            [
                ("articles stored", f"{stored:,} of {items:,}"),
                ("fetch + parse + embed + store", f"{poll_seconds:.1f} s"),
                ("match against subscriptions", f"{match_seconds:.2f} s"),
                ("articles/s, end to end", f"{stored / total:.1f}"),
                ("articles/s, matching alone", f"{stored / max(match_seconds, 1e-9):,.0f}"),
                ("alerts queued", f"{queued:,} ({counts})"),
            ],
        ),
        "",
        table(
            ["nothing new: one poll cycle", f"median of {CYCLES}"],
            [
                ("server answers 304 (ETag)", f"{median(quiet_etag) * 1000:.0f} ms"),
                ("server sends the full feeds", f"{median(quiet_full) * 1000:.0f} ms"),
            ],
        ),
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
