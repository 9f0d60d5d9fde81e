"""Subscriptions, feeds and alert delivery through the bot, with a fake Telegram and embedder."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.alerts.delivery import AlertJobs
from retrieval.alerts.alerter import Alerter
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from retrieval.text.documents import RawArticle
from tests.bot.conftest import GROUP, OFF_TOPIC, USER, BotHarness, Call
from tests.bot.test_handlers import buttons_of, texts

TOPIC = "ransomware attacks on hospitals"
HOSPITALS = RawArticle(
    title="Hospitals hit by ransomware",
    text=(
        "Ransomware gangs attacked three hospitals in Spain this week. "
        "Doctors went back to paper records while the systems were restored."
    ),
    source="Example News",
    published=datetime.now(UTC).date().isoformat(),  # news: within the last 7 days
    url="https://news.example/hospitals",
)


def deliver(bot: BotHarness, later: float = 0.0) -> list[Call]:
    """Run the alert job once (match, then send), `later` seconds from now; return the messages."""
    collection = bot.assistant.collection
    shift = timedelta(seconds=later)
    # The fake embedder's similarities run lower than the real model's: a lower threshold.
    alerter = Alerter(collection, clock=lambda: datetime.now(UTC) + shift, threshold=0.3)
    jobs = AlertJobs(alerter, Poller(collection, Fetcher()), bot.assistant)
    before = len(bot.telegram.calls)
    bot.loop.run_until_complete(jobs.deliver(SimpleNamespace(bot=bot.application.bot)))
    return [c for c in bot.telegram.calls[before:] if c.method == "sendMessage"]


def subscribed_ids(bot: BotHarness, chat_id: int = USER["id"]) -> list[int]:
    """The ids of a chat's subscriptions."""
    return [s.id for s in Alerter(bot.assistant.collection).subscriptions(chat_id)]


def test_subscribe_list_and_unsubscribe_in_private(bot: BotHarness) -> None:
    (reply,) = texts(bot.say(f"/subscribe {TOPIC}"))
    (sub_id,) = subscribed_ids(bot)
    assert f"Subscribed (#{sub_id}): {TOPIC}" in reply
    (listing,) = texts(bot.say("/subscriptions"))
    assert f"#{sub_id} — {TOPIC}" in listing
    (missing,) = texts(bot.say("/unsubscribe 999"))
    assert "no subscription 999" in missing
    (gone,) = texts(bot.say(f"/unsubscribe {sub_id}"))
    assert f"Unsubscribed from #{sub_id}" in gone
    assert subscribed_ids(bot) == []


def test_subscribe_without_words_explains_how(bot: BotHarness) -> None:
    (usage,) = texts(bot.say("/subscribe"))
    assert "/subscribe ransomware attacks on hospitals" in usage
    (empty,) = texts(bot.say("/subscribe the of and"))
    assert "a topic needs a few words" in empty
    assert subscribed_ids(bot) == []


def test_only_group_admins_subscribe_in_groups(bot: BotHarness) -> None:
    (refusal,) = texts(bot.say(f"/subscribe {TOPIC}", chat=GROUP))
    assert "Only the group's admins" in refusal
    assert subscribed_ids(bot, GROUP["id"]) == []
    bot.telegram.member_status = "creator"
    texts(bot.say(f"/subscribe {TOPIC}", chat=GROUP))
    assert len(subscribed_ids(bot, GROUP["id"])) == 1


def test_feeds_are_changed_by_owners_only(make_bot: object) -> None:
    bot: BotHarness = make_bot()  # type: ignore[operator]
    (refusal,) = texts(bot.say("/addfeed https://news.example/rss"))
    assert "Only the bot's owners" in refusal
    (listing,) = texts(bot.say("/feeds"))
    assert "No feeds are followed yet" in listing
    owner: BotHarness = make_bot(owners=frozenset({USER["id"]}))  # type: ignore[operator]
    (_reading, private) = texts(owner.say("/addfeed http://10.0.0.7/rss"))
    assert "I can't follow that" in private and "private or local address" in private


def test_abstention_offers_a_one_tap_subscription(bot: BotHarness) -> None:
    (reply,) = bot.say(OFF_TOPIC)
    offer = [data for data in buttons_of(reply) if data.startswith("sub:")]
    assert len(offer) == 1
    (confirmation,) = texts(bot.press(1, offer[0]))
    assert "Subscribed" in confirmation and "banana bread" in confirmation
    assert len(subscribed_ids(bot)) == 1


def test_a_matching_new_article_is_alerted_once_with_a_quote(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    (alert,) = deliver(bot)
    (text,) = texts([alert])
    assert "Hospitals hit by ransomware" in text
    assert "Ransomware gangs attacked three hospitals in Spain this week." in text
    assert f"Matched your topic: {TOPIC}" in text
    assert 'href="https://news.example/hospitals"' in alert.params["text"]
    assert alert.params["link_preview_options"]["is_disabled"]
    assert deliver(bot) == []


def test_articles_off_the_topic_are_not_alerted(bot: BotHarness) -> None:
    bot.say("/subscribe football transfer rumours")
    bot.assistant.collection.ingest([HOSPITALS])
    assert deliver(bot) == []


def test_a_chat_that_blocked_the_bot_is_paused_not_retried(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    bot.telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    assert len(deliver(bot)) == 1  # the attempt Telegram refused
    alerter = Alerter(bot.assistant.collection)
    assert all(s.paused for s in alerter.subscriptions(USER["id"]))
    assert deliver(bot) == []
    (listing,) = texts(bot.say("/subscriptions"))
    assert "they are back on" in listing
    assert not any(s.paused for s in alerter.subscriptions(USER["id"]))


def test_a_failed_send_is_retried_later_not_lost(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    bot.telegram.fail_next("sendMessage", 400, "Bad Request: something odd")
    assert len(deliver(bot)) == 1  # the failed attempt
    assert deliver(bot) == []  # backing off: not due yet
    alerter = Alerter(bot.assistant.collection)
    assert alerter.alerts.counts() == {"pending": 1}


CLINICS = RawArticle(
    title="Clinics recover from ransomware",
    text=(
        "Ransomware attacks on hospitals and clinics in Portugal were contained on Friday. "
        "Engineers rebuilt the servers that the attackers had encrypted."
    ),
    source="Other Wire",
    published=datetime.now(UTC).date().isoformat(),
    url="https://other.example/clinics",
)


def test_a_burst_of_new_articles_is_one_message(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS, CLINICS])
    (alert,) = deliver(bot)
    (text,) = texts([alert])
    assert "Hospitals hit by ransomware" in text and "Clinics recover from ransomware" in text
    assert text.count(f"Matched your topic: {TOPIC}") == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_is_respected_and_the_alert_still_arrives_once(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    for _ in range(4):  # the rate limiter retries three times, then gives the error back
        bot.telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", 1)
    attempts = deliver(bot)
    assert len(attempts) == 4  # all refused: the alert waits in the outbox for a second
    assert deliver(bot) == []  # not before Telegram said
    (alert,) = deliver(bot, later=2.5)
    assert "Hospitals hit by ransomware" in texts([alert])[0]
    assert deliver(bot) == []
