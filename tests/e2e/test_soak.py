"""Soak: two bot processes on one database while `ingest` and `feeds poll` write to it.

Real processes throughout: two `cyberbrief bot` (two bots on the emulator, one SQLite file),
feeds on a local server gaining items while people subscribe, ask and browse, `cyberbrief feeds
poll` and `cyberbrief ingest` running beside them. Every queued alert reaches its chat exactly
once, every action is answered, and no process meets "database is locked".
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from processes import Cyberbrief, environment
from telegram_emulator import EmulatorClient, TelegramEmulator, assert_valid_telegram_html

from retrieval.core.collection import Collection
from retrieval.core.store import Store
from retrieval.news.store import open_feeds
from tests.feedserver import FeedServer, page, rss

pytestmark = [pytest.mark.e2e, pytest.mark.model]

# Per topic: an old story (stored, never alerted), then four new ones, published in two waves.
TOPICS: dict[str, list[tuple[str, str]]] = {
    "ransomware attacks on hospitals": [
        (
            "Hospital in Lyon goes back to paper after ransomware attack",
            "A ransomware attack crippled the computer systems of the main hospital in Lyon, and "
            "doctors went back to paper records. Surgeons postponed forty operations while "
            "engineers rebuilt the servers from backups.",
        ),
        (
            "Criminals demand bitcoin from Porto children's hospital",
            "Criminals encrypted the patient files of a children's hospital in Porto and demanded"
            " a ransom in bitcoin. The hospital refused to pay and asked the national cyber "
            "security centre for help.",
        ),
        (
            "Leipzig clinic diverts ambulances during ransomware outage",
            "Ambulances were diverted from a clinic in Leipzig for three days after ransomware "
            "shut down its emergency department software. Prosecutors opened an investigation "
            "into negligent homicide after a patient died on the way to another city.",
        ),
        (
            "Health ministry warns hospitals about new ransomware gang",
            "The health ministry warned all public hospitals that a new ransomware gang is "
            "breaking into their networks through unpatched remote access servers. It ordered "
            "administrators to change passwords and disconnect old equipment.",
        ),
        (
            "Gdansk hospital restores systems a week after cyberattack",
            "Gdansk's university hospital said it had restored its laboratory and radiology "
            "systems a week after a ransomware attack. The attackers had published stolen medical"
            " records on a leak site when the hospital did not pay.",
        ),
    ],
    "phishing scams against bank customers": [
        (
            "Fake bank text messages empty pensioners' accounts",
            "Police warned bank customers about fake text messages that imitate their bank and "
            "lead to cloned login pages. Several hundred pensioners lost their savings after "
            "typing their passwords and card codes.",
        ),
        (
            "Bank blocks thousands of cards after phishing wave",
            "A large retail bank blocked twelve thousand cards after a phishing campaign "
            "collected customer details through a fake security app. Customers will receive new "
            "cards by post within ten days.",
        ),
        (
            "Phishing gang used call centre to pose as bank staff",
            "Investigators dismantled a call centre in Seville where fraudsters posed as bank "
            "employees and persuaded customers to approve transfers. The gang first sent emails "
            "that looked like fraud alerts from the bank.",
        ),
        (
            "Bank customers targeted by fake tax refund emails",
            "Customers of several banks received emails promising a tax refund if they confirmed "
            "their account details on a website. The consumer authority said the site copied the "
            "look of the tax office and stole online banking credentials.",
        ),
        (
            "Court jails organisers of bank phishing network",
            "A court in Utrecht sentenced four organisers of a phishing network to prison for "
            "stealing from bank customers. Judges said the men rented phishing kits and paid "
            "young people to withdraw the stolen money.",
        ),
    ],
    "arrests of drug cartel members": [
        (
            "Agents arrest cartel members in Monterrey raids",
            "Federal agents arrested nine members of a drug cartel in Monterrey after a year-long"
            " investigation into cocaine shipments. Weapons, cash and several tonnes of drugs "
            "were seized in the raids.",
        ),
        (
            "Cartel money launderers detained in Bogotá",
            "Colombian police detained five people in Bogotá accused of laundering money for a "
            "Mexican drug cartel through currency exchange offices. Prosecutors say they moved "
            "millions of dollars in cash every month.",
        ),
        (
            "Port workers charged with helping cartel smuggle cocaine",
            "Prosecutors charged eleven port workers with helping a drug cartel smuggle cocaine "
            "hidden in banana containers. The workers were paid to move the containers past "
            "customs inspections at night.",
        ),
        (
            "Cartel leader extradited to the United States",
            "The alleged leader of a drug trafficking cartel was extradited to the United States "
            "to face charges of cocaine trafficking and murder. He had been arrested last year at"
            " a ranch in the mountains after a shootout with soldiers.",
        ),
        (
            "Soldiers capture cartel cell that recruited teenagers online",
            "Soldiers captured members of a cartel cell accused of recruiting teenagers through "
            "social networks to work as lookouts and hitmen. The army said the cell offered the "
            "boys money and phones in video game chats.",
        ),
    ],
    "online child sexual exploitation": [
        (
            "Children rescued in international operation against online abuse",
            "Investigators rescued eight children in an international operation against online "
            "child sexual exploitation coordinated by Europol. The suspects shared abuse images "
            "on encrypted forums.",
        ),
        (
            "Man who groomed girls through games jailed",
            "A man who groomed girls through online games and persuaded them to send explicit "
            "images was jailed for twelve years. Police found thousands of messages to children "
            "on his phone.",
        ),
        (
            "Police take down dark web site sharing child abuse material",
            "Police took down a dark web site with four hundred thousand users that shared child "
            "sexual abuse material. Administrators were arrested in three countries after "
            "investigators traced cryptocurrency payments.",
        ),
        (
            "Teachers trained to spot online grooming of pupils",
            "Schools will train teachers to recognise the signs of online grooming after a rise "
            "in reports of adults contacting pupils through social networks. Charities say "
            "children often hide the contact out of shame.",
        ),
        (
            "Livestreamed abuse ring dismantled in the Philippines",
            "Police in the Philippines dismantled a ring that livestreamed the sexual abuse of "
            "children to paying viewers abroad. Foreign customers were identified through money "
            "transfer records shared with European police.",
        ),
    ],
}

ITEMS_PER_WAVE = 2  # new stories published on each feed, twice during the soak
CHATS_PER_TOPIC = 4  # two following it through each bot
QUESTIONS = [
    "How do drug cartels use social networks?",
    "How many children were rescued in Europe?",
    "What did Malmström say about EU-US cooperation?",
    "/subscriptions",
    "/feeds",
    "/briefing 24h",
]
ERROR = "Sorry, something went wrong"
ASKERS = [7000001, 7000002, 7000003, 7000004]  # people asking, two on each bot
STARTUP = 180.0  # seconds a process may take to load (far less on an idle machine)


def feed_item(feed_server: FeedServer, topic: int, n: int, age: timedelta) -> dict[str, str]:
    """A story as a feed item, published `age` ago: a summary, the full text on its page."""
    title, text = list(TOPICS.values())[topic][n]
    path = f"/story/{topic}/{n}"
    feed_server.set(path, page(title, text.split(". ")), content_type="text/html")
    return {
        "title": title,
        "link": feed_server.url(path),
        "guid": f"story-{topic}-{n}",
        "description": text.split(". ")[0],
        "pubDate": format_datetime(datetime.now(UTC) - age),
    }


def articles_to_ingest(folder: Path, count: int) -> Path:
    """Markdown articles for `cyberbrief ingest`, each different."""
    folder.mkdir()
    for n in range(count):
        (folder / f"{n}.md").write_text(
            f'---\ntitle: "Cybercrime conference, session {n + 1}"\nsource: Ingested Daily\n'
            f"language: en\n---\n\nSession {n + 1} of the cybercrime conference was about "
            f"{['ransomware', 'phishing', 'cartels', 'child protection'][n % 4]} and the "
            f"cooperation of {n + 2} police forces. Speakers from {n + 3} countries presented "
            "cases, and the organisers promised to publish the slides next week.\n"
        )
    return folder


class Conversation:
    """One person talking to one bot: each action waits for its whole reply."""

    def __init__(self, client: EmulatorClient, user_id: int) -> None:
        self.client = client
        self.user_id = user_id
        self.replies: list[list[dict[str, Any]]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send a command or a question; the messages the bot answers with."""
        seen = len(self.client.bot_messages(self.user_id))
        if text.startswith("/"):
            command, _, argument = text[1:].partition(" ")
            self.client.send_command(command, argument, user_id=self.user_id)
        else:
            self.client.send_message(text, user_id=self.user_id)
        deadline = time.monotonic() + 60
        while len(messages := self.client.bot_messages(self.user_id)) == seen:
            assert time.monotonic() < deadline, f"no reply to {text!r} from user {self.user_id}"
            time.sleep(0.2)
        while True:  # the rest of a reply in several messages follows at once
            time.sleep(0.5)
            later = self.client.bot_messages(self.user_id)
            if len(later) == len(messages):
                break
            messages = later
        reply = messages[seen:]
        self.replies.append(reply)
        return reply


def in_background(work: Callable[[], None], failures: list[BaseException]) -> threading.Thread:
    """Run work in a thread; what it raises is kept to fail the test."""

    def run() -> None:
        try:
            work()
        except BaseException as error:  # reported by the test
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def soak_db(real_seeded: Collection, tmp_path: Path) -> Path:
    """A database file holding the shipped articles embedded with the real model."""
    path = tmp_path / "soak.db"
    with sqlite3.connect(path) as copy:
        real_seeded.store.db.conn.backup(copy)
    return path


@pytest.fixture
def processes() -> Iterator[list[Cyberbrief]]:
    """The processes a test starts, stopped at the end whatever happens."""
    started: list[Cyberbrief] = []
    yield started
    for process in started:
        process.stop()


def test_two_bots_and_two_writers_on_one_database(
    telegram_emulator: TelegramEmulator,
    feed_server: FeedServer,
    soak_db: Path,
    tmp_path: Path,
    processes: list[Cyberbrief],
) -> None:
    feeds = open_feeds(Store(soak_db))
    published: dict[int, list[dict[str, str]]] = {}
    for topic in range(len(TOPICS)):  # each feed starts with an old story: stored, no alert
        published[topic] = [feed_item(feed_server, topic, 0, timedelta(days=30))]
        feed_server.set(f"/feed/{topic}.xml", rss(published[topic], title=f"Wire {topic}"))
        feeds.add(feed_server.url(f"/feed/{topic}.xml"))
    feeds.store.close()
    bots = [telegram_emulator.client(), telegram_emulator.client()]
    shared = {
        "CYBERBRIEF_DB": str(soak_db),
        "CYBERBRIEF_API_URL": telegram_emulator.root_url,
        "CYBERBRIEF_ALLOW_HOSTS": "127.0.0.1",
        "CYBERBRIEF_POLL_SECONDS": "1",
        "CYBERBRIEF_DELIVER_SECONDS": "0.5",
        "CYBERBRIEF_FLOOD_LIMIT": "0",
    }
    for bot in bots:
        processes.append(Cyberbrief(["bot"], environment(TELEGRAM_BOT_TOKEN=bot.token, **shared)))
    for process in processes:
        process.wait_for_line("is ready", timeout=STARTUP)

    failures: list[BaseException] = []
    subscribers = [
        Conversation(bots[n % 2], 8000000 + 10 * topic + n)
        for topic in range(len(TOPICS))
        for n in range(CHATS_PER_TOPIC)
    ]

    def subscribe(person: Conversation) -> None:
        topic = list(TOPICS)[(person.user_id - 8000000) // 10]
        (confirmation,) = person.say(f"/subscribe {topic}")
        assert "Subscribed" in assert_valid_telegram_html(confirmation)

    for subscribing in [in_background(lambda p=p: subscribe(p), failures) for p in subscribers]:
        subscribing.join(timeout=120)
    assert failures == []

    def publish(wave: int) -> None:
        for topic in range(len(TOPICS)):
            for n in range(1 + wave * ITEMS_PER_WAVE, 1 + (wave + 1) * ITEMS_PER_WAVE):
                published[topic].insert(0, feed_item(feed_server, topic, n, timedelta(minutes=1)))
            feed_server.set(f"/feed/{topic}.xml", rss(published[topic], title=f"Wire {topic}"))

    writers_done = threading.Event()
    writers: list[Cyberbrief] = []
    cli = environment(**shared)

    def run(*args: str) -> Cyberbrief:
        """A CLI writer, run to its end."""
        process = Cyberbrief(list(args), cli)
        writers.append(process)
        assert process.wait(timeout=STARTUP) == 0, process.stderr
        return process

    def converse(person: Conversation) -> None:
        n = person.user_id % len(QUESTIONS)
        while not writers_done.is_set():
            reply = person.say(QUESTIONS[n % len(QUESTIONS)])
            assert reply and all(ERROR not in message["text"] for message in reply)
            n += 1

    askers = [Conversation(bots[n % 2], user) for n, user in enumerate(ASKERS)]
    talkers = [in_background(lambda p=person: converse(p), failures) for person in askers]
    publish(0)
    folder = articles_to_ingest(tmp_path / "reports", 12)
    ingested: list[Cyberbrief] = []
    ingest = in_background(lambda: ingested.append(run("ingest", str(folder))), failures)
    first_poll = in_background(lambda: run("feeds", "poll"), failures)
    time.sleep(5)
    publish(1)  # a second poll, alongside the first, sees every item
    second_poll = in_background(lambda: run("feeds", "poll"), failures)
    for writer in (ingest, first_poll, second_poll):
        writer.join(timeout=2 * STARTUP)
    writers_done.set()
    for talker in talkers:
        talker.join(timeout=60)
    assert failures == [] and len(writers) == 3
    assert ingested[0].out.startswith("12 added"), ingested[0].out

    check = Store(soak_db)
    deadline = time.monotonic() + 60  # the bots deliver what the last poll queued
    while check.rows("SELECT count(*) FROM alerts WHERE state IN ('pending', 'sending')") != [(0,)]:
        assert time.monotonic() < deadline, check.rows("SELECT state, count(*) FROM alerts")
        time.sleep(0.5)
    alerts = check.rows(
        "SELECT a.chat_id, a.state, r.title FROM alerts a JOIN articles r ON r.id = a.story_id"
    )
    stored = {row[0] for row in check.rows("SELECT url FROM articles WHERE url IS NOT NULL")}
    duplicates = check.rows(
        "SELECT content_hash FROM articles GROUP BY content_hash HAVING count(*) > 1"
    )
    ((unmatched,),) = check.rows(
        "SELECT count(*) FROM articles WHERE id > (SELECT CAST(value AS INTEGER) FROM meta "
        "WHERE key = 'matched_through')"
    )
    check.close()

    # every published item stored once, and matched against the subscriptions
    assert all(item["link"] in stored for items in published.values() for item in items)
    assert duplicates == [] and unmatched == 0
    # every queued alert sent, and received exactly once, by one bot or the other
    assert len(alerts) >= 2 * len(TOPICS) * CHATS_PER_TOPIC  # most new stories match their topic
    assert {state for _, state, _ in alerts} == {"sent"}
    titles = {title for _, _, title in alerts}
    for person in subscribers:
        received = "\n".join(m["text"] for bot in bots for m in bot.bot_messages(person.user_id))
        expected = sorted(title for chat, _, title in alerts if chat == person.user_id)
        shown = [t for t in sorted(titles) for _ in range(received.count(f"<b>{escape(t)}</b>"))]
        assert shown == expected, person.user_id
        assert received.count("Matched your topic:") == len(expected)
    # every action answered, never with an error, and no process met a locked database
    everything = [m["text"] for bot in bots for m in bot.bot_messages()]
    assert all(ERROR not in text for text in everything)
    assert sum(len(person.replies) for person in askers) >= 2 * len(ASKERS)
    for process in [*processes, *writers]:
        assert "database is locked" not in process.stderr
        assert "Traceback" not in process.stderr
