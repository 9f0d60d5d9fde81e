"""Two workers of one bot on one PostgreSQL database, through the emulator.

Two `cyberbrief bot` processes with the same token run as webhook servers behind a proxy (here a
thread taking the emulator's updates and posting each one to both workers, as a proxy retrying
would); the database is all they share. Every question is answered once, every alert arrives
once, and an overdue scheduled briefing is sent once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import escape

import httpx
import pytest
from processes import Cyberbrief, environment, free_port
from telegram_emulator import TelegramEmulator, assert_valid_telegram_html
from test_soak import ERROR, STARTUP, TOPICS, Conversation, feed_item

from retrieval.briefings.schedules import parse_schedule
from retrieval.briefings.store import open_briefings
from retrieval.core.database import open_target
from retrieval.news.store import open_feeds
from tests.feedserver import FeedServer, rss

pytestmark = [pytest.mark.e2e, pytest.mark.model]

GROUP_ID = -100777
ADMIN_ID = 6000001
QUESTIONS = [
    "How do drug cartels use social networks?",
    "How many children were rescued in Europe?",
    "What did Malmström say about EU-US cooperation?",
]
ASKERS = [6100001, 6100002, 6100003, 6100004, 6100005, 6100006]
SUBSCRIBERS = [6200001, 6200002, 6200003]
TOPIC = 0  # ransomware attacks on hospitals
SECRET = "s3cret"


def proxy(emulator: TelegramEmulator, token: str, hooks: list[str], stop: threading.Event) -> None:
    """Take the bot's updates from the emulator and post each to every worker's webhook."""
    offset = 0
    with httpx.Client(trust_env=False, timeout=30) as client:
        while not stop.is_set():
            found = client.post(
                f"{emulator.bot_api_base_url}{token}/getUpdates",
                data={"offset": str(offset), "timeout": "1"},
            ).json()["result"]
            for update in found:
                offset = max(offset, update["update_id"] + 1)
                for hook in hooks:  # each update to both: one of them handles it
                    post(client, hook, update)


def post(client: httpx.Client, hook: str, update: dict) -> None:
    """Post an update to a worker's webhook (which may still be starting)."""
    for _ in range(60):
        try:
            posted = client.post(
                hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            break
        except httpx.TransportError:
            time.sleep(0.5)
    assert posted.status_code == 200, posted.text


@pytest.fixture
def workers() -> Iterator[list[Cyberbrief]]:
    """The processes a test starts, stopped at the end whatever happens."""
    started: list[Cyberbrief] = []
    yield started
    for process in started:
        process.stop()


def test_two_workers_answer_alert_and_brief_once(
    telegram_emulator: TelegramEmulator,
    feed_server: FeedServer,
    postgres_url: str,
    workers: list[Cyberbrief],
) -> None:
    shared = {"CYBERBRIEF_DB": postgres_url}
    ingest = Cyberbrief(["ingest", "data/articles"], environment(**shared))
    assert ingest.wait(timeout=STARTUP) == 0, ingest.stderr
    database = open_target(postgres_url)
    published = [feed_item(feed_server, TOPIC, 0, timedelta(days=30))]  # stored, never alerted
    feed_server.set("/feed.xml", rss(published, title="Wire"))
    open_feeds(database).add(feed_server.url("/feed.xml"))
    missed = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    open_briefings(database).set_schedule(
        GROUP_ID, parse_schedule(f"daily {missed:%H:%M} UTC"), missed, set_by=ADMIN_ID
    )
    bot = telegram_emulator.client()
    hooks = []
    for _ in range(2):
        port = free_port()
        hooks.append(f"http://127.0.0.1:{port}/hook")
        env = environment(
            TELEGRAM_BOT_TOKEN=bot.token,
            CYBERBRIEF_API_URL=telegram_emulator.root_url,
            CYBERBRIEF_WEBHOOK_URL=hooks[-1],
            CYBERBRIEF_WEBHOOK_SECRET=SECRET,
            CYBERBRIEF_LISTEN="127.0.0.1",
            CYBERBRIEF_PORT=str(port),
            CYBERBRIEF_ALLOW_HOSTS="127.0.0.1",
            CYBERBRIEF_POLL_SECONDS="1",
            CYBERBRIEF_DELIVER_SECONDS="0.5",
            CYBERBRIEF_FLOOD_LIMIT="0",
            **shared,
        )
        workers.append(Cyberbrief(["bot"], env))
    for worker in workers:
        worker.wait_for_line("is ready", timeout=STARTUP)
    stop = threading.Event()
    forwarding = threading.Thread(
        target=proxy, args=(telegram_emulator, bot.token, hooks, stop), daemon=True
    )
    forwarding.start()

    # questions: each answered once, by one worker or the other
    for n, user in enumerate(ASKERS):
        reply = Conversation(bot, user).say(QUESTIONS[n % len(QUESTIONS)])
        assert reply and all(ERROR not in message["text"] for message in reply)
    topic = list(TOPICS)[TOPIC]
    for user in SUBSCRIBERS:
        (confirmation,) = Conversation(bot, user).say(f"/subscribe {topic}")
        assert "Subscribed" in assert_valid_telegram_html(confirmation)

    # new stories on the feed: polled by one worker, each alert sent by one worker
    for n in (1, 2):
        published.insert(0, feed_item(feed_server, TOPIC, n, timedelta(minutes=1)))
    feed_server.set("/feed.xml", rss(published, title="Wire"))
    with database.transaction() as conn:  # due again now, not in 15 minutes
        conn.execute("UPDATE feeds SET next_poll_at = ''")
    deadline = time.monotonic() + 120
    while (
        database.rows("SELECT count(*) FROM alerts WHERE state = 'sent'")[0][0] < len(SUBSCRIBERS)
        or database.rows("SELECT count(*) FROM alerts WHERE state <> 'sent'")[0][0]
    ):
        assert time.monotonic() < deadline, (
            database.rows("SELECT state, count(*) FROM alerts GROUP BY state"),
            database.rows("SELECT url, next_poll_at, last_error, last_warning FROM feeds"),
            database.rows("SELECT id, title FROM articles"),
            database.rows("SELECT * FROM meta"),
            database.rows("SELECT chat_id, topic, model, after_article FROM subscriptions"),
            [worker.stderr[-1500:] for worker in workers],
        )
        time.sleep(0.5)
    time.sleep(3)  # several more rounds of delivery and of the schedule job, in both workers
    alerts = database.rows(
        "SELECT a.chat_id, r.title FROM alerts a JOIN articles r ON r.id = a.story_id"
    )
    briefings = database.rows("SELECT chat_id, state FROM briefings")
    database.close()
    stop.set()
    forwarding.join(timeout=10)

    for user in ASKERS:
        assert len(bot.bot_messages(user)) == 1, user  # neither worker answered twice
    for user in SUBSCRIBERS:
        received = "\n".join(m["text"] for m in bot.bot_messages(user))
        titles = sorted(title for chat, title in alerts if chat == user)
        assert titles  # the new stories matched the topic
        shown = [t for t in titles if received.count(f"<b>{escape(t)}</b>") == 1]
        assert shown == titles and received.count("Matched your topic:") == len(titles), user
    assert briefings == [(GROUP_ID, "sent")]  # one briefing, though both workers were due to
    group = bot.bot_messages(GROUP_ID)
    assert group and all(ERROR not in message["text"] for message in group)
    for worker in workers:
        assert "Traceback" not in worker.stderr
