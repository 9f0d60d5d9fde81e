"""`python -m bench.pg_soak`: alert delivery on PostgreSQL with workers killed at random.

A new database on the local server gets articles (random vectors), chats subscribed to a topic
and an outbox of one alert per chat and story. Worker processes deliver it as the bot does
(deliveries, claim, send, delivered), "sending" by appending a line to a log file and syncing it,
then taking 20 ms as Telegram would. Every 1-3 s one worker is killed (SIGKILL) and another
started. When the time is up a last worker, its clock past the claims' lease, delivers what the
killed ones left mid-send. Prints the alerts queued, the lines received, duplicates and losses;
asserts nothing. A worker killed between a message going out and its alerts being marked sent
sends that message again after the lease: the outbox is at-least-once, by design.
"""

import argparse
import multiprocessing
import os
import random
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.db_copy import fresh_database, server
from bench.report import table
from retrieval.alerts.alerter import SEND_LEASE, Alerter
from retrieval.alerts.store import open_alerts
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.database import open_target
from retrieval.core.store import ArticleWrite
from retrieval.core.variants import configured_embedder
from retrieval.text.raw import RawArticle

SEND_TIME = 0.02  # seconds Telegram takes to accept a message


def seed(url: str, chats: int, stories: int) -> int:
    """Articles, one subscription per chat, and an alert per chat and story; how many alerts."""
    store = open_target(url)
    model = configured_embedder(Settings.from_env()).name
    rng = np.random.default_rng(5)
    alerts = open_alerts(store)
    subscriptions = []
    for chat in range(1, chats + 1):
        vector = rng.standard_normal(384).astype(np.float32)
        found = alerts.add_subscription(chat, chat, f"topic {chat}", vector, model, limit=10)
        subscriptions.append((chat, found.id))
    now = datetime.now(UTC)
    for n in range(stories):
        text = f"Story number {n} about cybercrime. It has two sentences."
        vectors = rng.standard_normal((2, 384)).astype(np.float32)
        spans = [(0, 34), (35, len(text))]
        raw = RawArticle(title=f"Story {n}", text=text, origin=f"story-{n}")
        write = ArticleWrite(raw, f"h{n}", [(0, len(text))], spans, vectors[:1], vectors, model)
        article_id = store.write_article(write)
        alerts.record_match(article_id, article_id, subscriptions, now)
    store.close()
    return chats * stories


def deliver(url: str, log: Path, shift: float = 0.0, until_empty: bool = False) -> None:
    """Deliver alerts as a bot worker does, forever (or until the outbox is empty)."""
    store = open_target(url)
    collection = Collection(store, configured_embedder(Settings.from_env()))
    alerter = Alerter(collection, clock=lambda: datetime.now(UTC) + timedelta(seconds=shift))
    with log.open("a", encoding="utf-8") as received:
        while True:
            deliveries = alerter.deliveries()
            if not deliveries and until_empty:
                return
            for delivery in deliveries:
                claimed = alerter.claim(delivery)
                if not claimed.stories:
                    continue
                stories = " ".join(str(story.article.id) for story in claimed.stories)
                received.write(f"{claimed.chat_id} {stories}\n")
                received.flush()
                os.fsync(received.fileno())
                time.sleep(SEND_TIME)
                alerter.delivered(claimed, message_id=1)
            if not deliveries:
                time.sleep(0.1)


def main(argv: Sequence[str] | None = None) -> None:
    """Seed, deliver with workers killed at random, then count."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_soak", description=__doc__)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--chats", type=int, default=40)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    url = fresh_database(server(), "cyberbrief_bench_soak")
    queued = seed(url, args.chats, args.stories)
    context = multiprocessing.get_context("spawn")
    chance = random.Random(9)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "received.txt"
        workers = [context.Process(target=deliver, args=(url, log)) for _ in range(args.workers)]
        for worker in workers:
            worker.start()
        killed = 0
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            time.sleep(chance.uniform(1.0, 3.0))
            victim = workers.pop(chance.randrange(len(workers)))
            os.kill(victim.pid or 0, signal.SIGKILL)
            victim.join()
            killed += 1
            workers.append(context.Process(target=deliver, args=(url, log)))
            workers[-1].start()
        for worker in workers:
            os.kill(worker.pid or 0, signal.SIGKILL)
            worker.join()
        killed += len(workers)
        deliver(url, log, shift=SEND_LEASE.total_seconds() + 60, until_empty=True)
        lines = log.read_text(encoding="utf-8").splitlines()
    received = Counter(
        (int(chat), int(story)) for chat, *stories in map(str.split, lines) for story in stories
    )
    store = open_target(url)
    states = dict(store.rows("SELECT state, count(*) FROM alerts GROUP BY state"))
    expected = {(chat, story) for chat, story in store.rows("SELECT chat_id, story_id FROM alerts")}
    store.close()
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    lost = len(expected - set(received))
    print(
        f"## Alert delivery with workers killed at random (PostgreSQL)\n\n{args.workers} workers,"
        f" {args.seconds:.0f} s, {killed} killed (SIGKILL), then one more after the lease\n"
    )
    print(
        table(
            ["alerts queued", "states after", "alerts received", "duplicates", "lost"],
            [[str(queued), str(states), str(sum(received.values())), str(duplicates), str(lost)]],
        )
    )


if __name__ == "__main__":
    main()
