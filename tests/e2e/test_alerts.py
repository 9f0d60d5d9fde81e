"""Alerts end to end: the real bot, the emulator, a local feed server, and the real model."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from telegram_emulator import DEFAULT_USER, EmulatorClient, assert_valid_telegram_html

from retrieval.core.collection import Collection
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from tests.feedserver import FeedServer, page, rss

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER_ID = DEFAULT_USER["id"]
TOPIC = "ransomware attacks on hospitals"
_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.DOTALL)

OLD_ITEM = {
    "title": "City council approves new bicycle lanes",
    "link": "https://wire.example/bikes",
    "guid": "wire-1",
    "description": "The city council approved twelve kilometres of new bicycle lanes on Tuesday.",
}
NEW_ITEM = {
    "title": "Ransomware gang shuts down hospital systems across three regions",
    "link": "https://wire.example/hospitals?utm_source=rss",
    "guid": "wire-2",
    "description": "Hospitals were hit by ransomware.",
}
STORY = [
    "A ransomware attack shut down computer systems at eleven hospitals across three regions "
    "on Monday, forcing doctors to cancel surgeries and divert ambulances.",
    "The criminal group behind the attack encrypted patient records and demanded a ransom "
    "of four million euros in cryptocurrency.",
    "Police said the gang had attacked other hospitals and health services in the past year, "
    "and that investigators from several countries are working on the case.",
]


@pytest.fixture
def wire(feed_server: FeedServer) -> Iterator[str]:
    """A feed on the local server holding one old story, and the page of the next one."""
    feed_server.set("/wire.rss", rss([OLD_ITEM], title="Example Wire"))
    feed_server.set("/hospitals", page(NEW_ITEM["title"], STORY), content_type="text/html")
    yield feed_server.url("/wire.rss")


def publish_new_item(feed_server: FeedServer) -> None:
    """The feed gains the hospital story; its item has a summary and links to the local page."""
    item = {**NEW_ITEM, "link": feed_server.url("/hospitals?utm_source=rss")}
    feed_server.set("/wire.rss", rss([item, OLD_ITEM], title="Example Wire"))


def local_poller(collection: Collection) -> Poller:
    """A poller allowed to fetch from the test server on 127.0.0.1 only."""
    return Poller(collection, Fetcher(allowed_hosts=frozenset({"127.0.0.1"})))


@pytest.fixture
def poller(collection: Collection, wire: str) -> Poller:
    """A local poller already following the wire (its old story stored)."""
    following = local_poller(collection)
    following.add(wire)
    return following


def subscribe(tg: EmulatorClient) -> None:
    """Subscribe the private chat to the topic and wait for the confirmation."""
    tg.send_command("subscribe", TOPIC)
    (confirmation,) = tg.wait_for_messages(USER_ID, timeout=20)
    assert "Subscribed" in assert_valid_telegram_html(confirmation)


def assert_one_hospital_alert(
    tg: EmulatorClient, collection: Collection, alert: dict[str, Any]
) -> None:
    """The alert names the story, quotes it exactly, links it, and says which topic matched."""
    text = assert_valid_telegram_html(alert)
    assert NEW_ITEM["title"] in text
    assert f"Matched your topic: {TOPIC}" in text
    assert alert["link_preview_options"] == {"is_disabled": True}
    quotes = [html.unescape(q) for q in _BLOCKQUOTE.findall(alert["text"])]
    assert quotes and any("eleven hospitals" in q or "ransom" in q for q in quotes)
    (article,) = [a for a in collection.store.newest_articles(10) if a.title == NEW_ITEM["title"]]
    assert all(quote in article.text for quote in quotes)
    assert "utm_source" not in alert["text"]


def test_subscribe_then_new_item_is_alerted_exactly_once(
    tg: EmulatorClient,
    start_bot: Callable[..., Any],
    collection: Collection,
    feed_server: FeedServer,
    poller: Poller,
) -> None:
    start_bot(poller=poller, deliver_seconds=0.5, poll_seconds=3600)
    subscribe(tg)
    publish_new_item(feed_server)
    report = poller.poll_all()
    assert report.new == 1 and not report.errors
    (alert,) = tg.wait_for_messages(USER_ID, timeout=20)
    assert_one_hospital_alert(tg, collection, alert)
    poller.poll_all()  # nothing new: no second alert
    time.sleep(2)  # several delivery rounds
    assert len(tg.bot_messages(USER_ID)) == 2


def test_restart_between_poll_and_delivery_still_alerts_once(
    tg: EmulatorClient,
    start_bot: Callable[..., Any],
    collection: Collection,
    feed_server: FeedServer,
    poller: Poller,
) -> None:
    first, _ = start_bot(poller=poller, deliver_seconds=3600, poll_seconds=3600)
    subscribe(tg)
    time.sleep(1.5)  # the first delivery round has run: nothing was due
    publish_new_item(feed_server)
    assert poller.poll_all().new == 1  # stored, not yet delivered
    first.stop()
    assert tg.bot_messages(USER_ID)[-1]["text"].startswith("🔔 Subscribed")

    second, _ = start_bot(poller=poller, deliver_seconds=0.5, poll_seconds=3600)
    (alert,) = tg.wait_for_messages(USER_ID, timeout=20)
    assert_one_hospital_alert(tg, collection, alert)
    second.stop()

    start_bot(poller=poller, deliver_seconds=0.5, poll_seconds=3600)
    time.sleep(2)  # a restarted bot finds nothing left to send
    assert len(tg.bot_messages(USER_ID)) == 2


def test_a_chat_that_blocked_the_bot_gets_its_alerts_paused(
    tg: EmulatorClient,
    start_bot: Callable[..., Any],
    feed_server: FeedServer,
    poller: Poller,
) -> None:
    start_bot(poller=poller, deliver_seconds=0.5, poll_seconds=3600)
    subscribe(tg)
    tg.fail_next(method="sendMessage", chat_id=USER_ID, error_code=403)
    publish_new_item(feed_server)
    poller.poll_all()
    tg.wait_for_calls("sendMessage", 2, timeout=20)  # the confirmation, the refused alert
    time.sleep(1)  # more delivery rounds: nothing is retried
    tg.send_command("subscriptions")
    (listing,) = tg.wait_for_messages(USER_ID, timeout=20)
    assert "they are back on" in assert_valid_telegram_html(listing)
    assert len(tg.bot_messages(USER_ID)) == 2  # the confirmation and this listing, no alert


def test_owner_adds_a_feed_and_everyone_sees_it(
    tg: EmulatorClient,
    start_bot: Callable[..., Any],
    collection: Collection,
    wire: str,
) -> None:
    start_bot(poller=local_poller(collection), owners=frozenset({USER_ID}))
    tg.send_command("addfeed", wire)
    reading, added = tg.wait_for_messages(USER_ID, 2, timeout=30)
    assert "Reading the feed" in assert_valid_telegram_html(reading)
    assert assert_valid_telegram_html(added) == "Added #1 Example Wire: 1 new article."
    tg.send_command("feeds", user_id=USER_ID + 1)
    (listing,) = tg.wait_for_messages(USER_ID + 1, timeout=20)
    assert "#1 Example Wire" in assert_valid_telegram_html(listing)
    tg.send_command("removefeed", "1", user_id=USER_ID + 1)
    (refusal,) = tg.wait_for_messages(USER_ID + 1, timeout=20)
    assert "Only the bot's owners" in assert_valid_telegram_html(refusal)
