"""Alerts that tell the truth: the topic as written, Unsubscribe and Mute under each alert."""

from datetime import UTC, datetime, timedelta

from retrieval.alerts.alerter import Alerter
from retrieval.core.config import Policy
from retrieval.news.store import open_feeds
from tests.bot.conftest import GROUP, OFF_TOPIC, USER, BotHarness, Call
from tests.bot.test_handlers import buttons_of, texts
from tests.bot.test_subscribing import CLINICS, HOSPITALS, TOPIC, deliver, subscribed_ids


def edits(bot: BotHarness, before: int) -> list[Call]:
    """The keyboards the bot changed since call number `before`."""
    return [c for c in bot.telegram.calls[before:] if c.method == "editMessageReplyMarkup"]


def answered(bot: BotHarness, before: int) -> list[str]:
    """The texts of the callback answers (toasts) since call number `before`."""
    return [
        c.params.get("text", "")
        for c in bot.telegram.calls[before:]
        if c.method == "answerCallbackQuery"
    ]


def test_the_topic_is_shown_as_written_without_exclusion_syntax(bot: BotHarness) -> None:
    (reply,) = texts(bot.say(f"/subscribe {TOPIC} -football -Madrid"))
    assert f"{TOPIC} (without: football, Madrid)" in reply and "-football" not in reply
    (listing,) = texts(bot.say("/subscriptions"))
    assert f"— {TOPIC} (without: football, Madrid)" in listing
    bot.assistant.collection.ingest([HOSPITALS])
    (alert,) = texts(deliver(bot))
    assert f"Matched your topic: {TOPIC} (without: football, Madrid)" in alert


def test_subscribe_says_when_no_feed_is_followed_and_how_new_a_story_must_be(
    bot: BotHarness,
) -> None:
    (reply,) = texts(bot.say(f"/subscribe {TOPIC}"))
    assert "published in the last 7 days" in reply
    assert "I don't follow any news feed yet" in reply and "/addfeed" in reply
    open_feeds(bot.assistant.collection.store).add("https://wire.example/rss")
    (second,) = texts(bot.say("/subscribe phishing of pensioners"))
    assert "Subscribed" in second and "don't follow any news feed" not in second


def test_the_news_age_is_a_setting(make_bot: object) -> None:
    bot: BotHarness = make_bot(policy=Policy(news_days=30))  # type: ignore[operator]
    (reply,) = texts(bot.say(f"/subscribe {TOPIC}"))
    assert "published in the last 30 days" in reply


def test_the_same_topic_twice_in_a_chat_is_one_subscription(bot: BotHarness) -> None:
    texts(bot.say(f"/subscribe {TOPIC}"))
    (again,) = texts(bot.say(f"/subscribe  {TOPIC.upper()} "))
    (sub_id,) = subscribed_ids(bot)
    assert f"already follows that topic (#{sub_id})" in again
    bot.telegram.member_status = "creator"
    texts(bot.say(f"/subscribe {TOPIC}", chat=GROUP))  # another chat: its own subscription
    assert len(subscribed_ids(bot, GROUP["id"])) == 1


def test_the_alert_offer_is_taken_away_once_pressed_and_never_doubles(bot: BotHarness) -> None:
    (reply,) = bot.say(OFF_TOPIC)
    markup = reply.params["reply_markup"]
    (offer,) = [data for data in buttons_of(reply) if data.startswith("sub:")]
    before = len(bot.telegram.calls)
    bot.press(1, offer, markup=markup)
    (edit,) = edits(bot, before)
    kept = [
        b["callback_data"] for row in edit.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert kept and not any(data.startswith("sub:") for data in kept)  # 👍 and 👎 stay
    (second,) = texts(bot.press(1, offer, markup=markup))  # pressed again from an old screen
    assert "already follows that topic" in second
    assert len(subscribed_ids(bot)) == 1


def test_alerts_carry_unsubscribe_and_mute_buttons_that_work(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    (alert,) = deliver(bot)
    (sub_id,) = subscribed_ids(bot)
    assert buttons_of(alert) == [f"unsub:{sub_id}", f"mute:{sub_id}"]
    labels = [b["text"] for row in alert.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Unsubscribe", "Mute this topic for a week"]
    markup = alert.params["reply_markup"]

    before = len(bot.telegram.calls)
    bot.press(alert.result["message_id"], f"mute:{sub_id}", markup=markup)
    week = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    assert answered(bot, before) == [f"Muted until {week}: {TOPIC}"]
    (muted,) = edits(bot, before)
    assert [b["callback_data"] for b in muted.params["reply_markup"]["inline_keyboard"][0]] == [
        f"unsub:{sub_id}",
        f"unmute:{sub_id}",
    ]
    bot.assistant.collection.ingest([CLINICS])
    assert deliver(bot) == []  # muted: the new story is not alerted
    (listing,) = texts(bot.say("/subscriptions"))
    assert f"(muted until {week})" in listing

    before = len(bot.telegram.calls)
    bot.press(alert.result["message_id"], f"unsub:{sub_id}", markup=markup)
    assert answered(bot, before) == [f"Unsubscribed from #{sub_id}: {TOPIC}"]
    (removed,) = edits(bot, before)
    assert "reply_markup" not in removed.params  # no buttons left
    assert subscribed_ids(bot) == []
    before = len(bot.telegram.calls)
    bot.press(alert.result["message_id"], f"unsub:{sub_id}", markup=markup)
    assert answered(bot, before) == ["You no longer follow this topic."]


def test_in_groups_only_admins_press_unsubscribe(bot: BotHarness) -> None:
    bot.telegram.member_status = "creator"
    bot.say(f"/subscribe {TOPIC}", chat=GROUP)
    (sub_id,) = subscribed_ids(bot, GROUP["id"])
    bot.telegram.member_status = "member"
    before = len(bot.telegram.calls)
    bot.press(7, f"unsub:{sub_id}", chat_id=GROUP["id"])
    assert answered(bot, before) == ["Only the group's admins can change this."]
    assert subscribed_ids(bot, GROUP["id"]) == [sub_id]


def test_an_unmuted_topic_alerts_again(bot: BotHarness) -> None:
    bot.say(f"/subscribe {TOPIC}")
    (sub_id,) = subscribed_ids(bot)
    alerter = Alerter(bot.assistant.collection)
    alerter.mute(USER["id"], sub_id)
    before = len(bot.telegram.calls)
    bot.press(9, f"unmute:{sub_id}")
    assert answered(bot, before) == [f"Alerts on again: {TOPIC}"]
    bot.assistant.collection.ingest([HOSPITALS])
    assert len(deliver(bot)) == 1
