"""`python -m bench.bot_load`: many fake users asking the real bot at once, through the emulator.

The bot, its rate limiter and the real model run as in production; Telegram is the local emulator
(tests/e2e). The collection is the shipped articles (real model) plus synthetic articles whose
vectors are random (a cheap deterministic stand-in: embedding them with the model would take
minutes); questions are embedded with the real model. Prints tables; asserts nothing.
"""

import argparse
import logging
import os
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import ArticleGenerator, shipped_articles, vocabulary
from bench.queries import QUESTIONS
from bench.report import percentile, table
from bench.synthetic import write_synthetic
from bot.app import build_application
from bot.settings import BotSettings
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from retrieval.core.embeddings import Embedder
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store
from tests.e2e.telegram_emulator import (
    EmulatorClient,
    RunningApplication,
    TelegramEmulator,
    emulator_unavailable_reason,
    ensure_no_proxy,
)

FIRST_USER = 7_000_000


@dataclass
class Traffic:
    """Questions sent and answers seen, with their times, per private chat."""

    sent: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    latencies: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    other_messages: int = 0
    cursor: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def asked(self, chat_id: int) -> None:
        """A user sent a question now."""
        with self.lock:
            self.sent[chat_id].append(time.perf_counter())

    def received(self, message: dict[str, Any], at: float) -> None:
        """The bot sent a message: an answer closes the oldest open question of its chat."""
        with self.lock:
            waiting = self.sent[int(message["chat_id"])]
            if message.get("reply_markup") and waiting:
                self.latencies.append(at - waiting.popleft())
                self.answered_at.append(at)
            else:
                self.other_messages += 1


def build_collection(folder: Path, synthetic: int, embedder: Embedder) -> Store:
    """The shipped articles with the real model, plus synthetic articles with random vectors."""
    store = Store(folder / "bot-load.db")
    Collection(store, embedder).ingest(shipped_articles())
    generator = ArticleGenerator(vocabulary(), seed=11, median_words=250)
    rng = np.random.default_rng(11)
    with store.transaction():
        for number in range(synthetic):
            write_synthetic(store, generator.article(number), rng, embedder.name)
    return store


def answer_beforehand(assistant: Assistant) -> None:
    """Compute every benchmark question's answer now; from now on answer from those, unembedded."""
    answers = {question: assistant.collection.ask(question) for question in QUESTIONS}
    vector = assistant.batcher.embed(QUESTIONS[0])
    assistant.collection.ask = lambda question, *args, **kwargs: answers[question]  # type: ignore
    assistant.batcher.embed = lambda text: vector  # type: ignore


def collect(client: EmulatorClient, traffic: Traffic, stop: threading.Event) -> None:
    """Long-poll the emulator for the bot's messages and time each one as it arrives."""
    while not stop.is_set():
        found = client.emulator.post(
            "/getBotMessages",
            {"botToken": client.token, "afterSeq": traffic.cursor, "minCount": 1},
            wait=0.5,
        )
        now = time.perf_counter()
        for message in found:
            traffic.received(message, now)
            traffic.cursor = max(traffic.cursor, int(message["seq"]))


def ask(client: EmulatorClient, traffic: Traffic, user: int, question: str) -> None:
    """One fake user sends one question."""
    traffic.asked(user)
    client.send_message(question, user_id=user, first_name=f"User{user}")


def run_load(
    client: EmulatorClient, schedule: Sequence[tuple[float, int, str]], drain: float, cursor: int
) -> tuple[Traffic, float]:
    """Send questions at their scheduled offsets (seconds); wait for the answers; time it all."""
    traffic = Traffic(cursor=cursor)
    stop = threading.Event()
    collector = threading.Thread(target=collect, args=(client, traffic, stop), daemon=True)
    collector.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for offset, user, question in schedule:
            delay = started + offset - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(ask, client, traffic, user, question)
    deadline = time.perf_counter() + drain
    while len(traffic.latencies) < len(schedule) and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    collector.join()
    return traffic, started


def row(name: str, offered: str, asked: int, traffic: Traffic, started: float) -> list[object]:
    """One table row: answers, throughput, latency percentiles."""
    answered = len(traffic.latencies)
    span = (max(traffic.answered_at) - started) if traffic.answered_at else float("nan")
    return [
        name,
        offered,
        f"{answered}/{asked}",
        f"{answered / span:.1f}" if answered else "0",
        f"{percentile(traffic.latencies, 50) * 1000:.0f} ms",
        f"{percentile(traffic.latencies, 95) * 1000:.0f} ms",
        f"{max(traffic.latencies, default=0) * 1000:.0f} ms",
        traffic.other_messages,
    ]


def schedules(
    args: argparse.Namespace, users: list[int]
) -> list[tuple[str, str, list[tuple[float, int, str]]]]:
    """The load patterns: a burst of everyone at once, then steady offered rates."""
    rng = np.random.default_rng(3)
    pick = [QUESTIONS[i] for i in rng.integers(0, len(QUESTIONS), size=100_000)]
    patterns = [
        ("burst", f"{args.burst} at once", [(0.0, users[i], pick[i]) for i in range(args.burst)])
    ]
    cursor = args.burst
    for rate in args.rates:
        count = int(rate * args.seconds)
        plan = []
        for n in range(count):
            plan.append((n / rate, users[(cursor + n) % len(users)], pick[cursor + n]))
        cursor += count
        patterns.append((f"steady {rate:g}/s", f"{rate:g}/s for {args.seconds:g} s", plan))
    return patterns


def main(argv: Sequence[str] | None = None) -> None:
    """Build the collection, start the emulator and the bot, run the load, print the tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.bot_load", description=__doc__)
    parser.add_argument("--synthetic", type=int, default=1000, help="synthetic articles to add")
    parser.add_argument("--users", type=int, default=600, help="distinct fake users")
    parser.add_argument("--burst", type=int, default=200, help="users asking at the same moment")
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[10, 20, 30, 40, 50], help="steady questions/s"
    )
    parser.add_argument("--seconds", type=float, default=10, help="length of each steady run")
    parser.add_argument("--pause", type=float, default=3, help="seconds between runs")
    args = parser.parse_args(argv)
    reason = emulator_unavailable_reason()
    if reason:
        raise SystemExit(f"bench.bot_load: {reason}")
    logging.basicConfig(level=logging.WARNING)
    os.environ.update(ensure_no_proxy())
    embedder = OnnxEmbedder()
    with tempfile.TemporaryDirectory() as folder, TelegramEmulator() as emulator:
        started = time.perf_counter()
        store = build_collection(Path(folder), args.synthetic, embedder)
        summary = Collection(store, embedder).summary()
        built = time.perf_counter() - started
        client = emulator.client()
        settings = BotSettings(token=client.token, api_url=emulator.root_url)
        assistant = Assistant(Collection(store, embedder))
        users = list(range(FIRST_USER, FIRST_USER + args.users))
        rows = []
        runner = RunningApplication(build_application(settings, assistant), poll_timeout=10)
        runner.start()
        try:
            traffic, _ = run_load(client, [(0.0, users[-1], QUESTIONS[0])], 30, 0)  # warm up
            for label in ("real retrieval", "bot only"):
                if label == "bot only":
                    answer_beforehand(assistant)
                for name, offered, plan in schedules(args, users):
                    time.sleep(args.pause)  # let the previous load's stragglers settle
                    traffic, began = run_load(client, plan, 90, traffic.cursor)
                    rows.append(row(f"{name} ({label})", offered, len(plan), traffic, began))
        finally:
            runner.stop()
        store.close()
    print("## Bot under load (python -m bench.bot_load)\n")
    print(
        f"Collection: {summary.articles:,} articles = 3 shipped (real model) + {args.synthetic:,} "
        f"synthetic (random vectors, not embedded; built in {built:.1f} s). Questions embedded "
        f"with the real model ({embedder.variant} ONNX, one thread per request). "
        f"{args.users:,} fake users in private chats; the bot as shipped "
        f"(AIORateLimiter, flood limit {settings.flood_limit}/min per user, typing after "
        f"{settings.typing_delay:g} s). "
        f"CPU cores: {os.cpu_count()}, "
        f"load average at the end: {os.getloadavg()[0]:.1f}. "
        f"Handler errors: {len(runner.errors)}"
        + (f" (first: {runner.errors[0][1]!r})" if runner.errors else "")
        + ".\n"
    )
    headers = ["load", "offered", "answered", "answers/s", "p50", "p95", "max", "other msgs"]
    print(table(headers, rows))
    print(
        "\nLatency: from the fake user's sendMessage to the emulator holding the bot's answer. "
        "answers/s: answers over the time from the first question to the last answer. "
        "Targets (issue 13): >= 40 answers/s, p95 < 1 s.\n"
        "(bot only): the same runs with each answer computed beforehand, so search and the model "
        "are out of the loop: what the front end (python-telegram-bot, rate limiter, SQLite "
        "conversation writes, the emulator) sustains on its own."
    )


if __name__ == "__main__":
    main()
