"""Briefings through the bot: /briefing, /schedule, scheduled runs, replies to a briefing."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.briefings.handlers import BriefingHandlers
from bot.settings import BotSettings
from retrieval.briefings.builder import Briefer
from retrieval.briefings.schedules import parse_schedule
from tests.bot.conftest import GROUP, USER, BotHarness, Call
from tests.bot.test_handlers import texts
from tests.conftest import this_weeks_news


def test_briefing_then_nothing_new_then_a_window(bot: BotHarness) -> None:
    quiet = Briefer(bot.assistant.collection).build(datetime.now(UTC) - timedelta(days=30))
    assert quiet.total_stories == 0  # the shipped 2006, 2012 and undated articles are not news
    this_weeks_news(bot.assistant.collection)
    (reply,) = bot.say("/briefing")
    (first,) = texts([reply])
    assert first.startswith("📰 Briefing — 3 stories since")
    assert "Reply to this briefing with a question" in first
    assert 'Cybercrime: "EU-US cooperation a necessity"' in first
    assert reply.params["text"].count("<blockquote>") >= 3
    assert reply.params["link_preview_options"]["is_disabled"]
    (second,) = texts(bot.say("/briefing"))
    assert second.startswith("📰 Nothing new since")
    (window,) = texts(bot.say("/briefing 7d"))
    assert window.startswith("📰 Briefing — 3 stories since")
    (bad,) = texts(bot.say("/briefing soon"))
    assert "/briefing 7d" in bad


def test_only_admins_schedule_briefings_in_groups(bot: BotHarness) -> None:
    (refusal,) = texts(bot.say("/schedule daily 08:00 Europe/Madrid", chat=GROUP))
    assert "Only the group's admins" in refusal
    (none,) = texts(bot.say("/schedule", chat=GROUP))
    assert "No scheduled briefings here" in none
    bot.telegram.member_status = "creator"
    (saved,) = texts(bot.say("/schedule daily 08:00 Europe/Madrid", chat=GROUP))
    assert "Briefings here: daily 08:00 Europe/Madrid. Next:" in saved
    (shown,) = texts(bot.say("/schedule", chat=GROUP))
    assert "daily 08:00 Europe/Madrid" in shown
    (unreadable,) = texts(bot.say("/schedule daily 8am", chat=GROUP))
    assert "HH:MM" in unreadable
    (off,) = texts(bot.say("/schedule off", chat=GROUP))
    assert off == "Scheduled briefings are off."
    assert "No scheduled briefings" in texts(bot.say("/schedule", chat=GROUP))[0]


def run_due(bot: BotHarness, now: datetime) -> list[Call]:
    """Run the schedule job once at a given moment; return the messages it sent."""
    briefer = Briefer(bot.assistant.collection, clock=lambda: now)
    handlers = BriefingHandlers(briefer, bot.assistant, BotSettings(token="424242:TEST"))
    before = len(bot.telegram.calls)
    bot.loop.run_until_complete(handlers.run_due(SimpleNamespace(bot=bot.application.bot)))
    return [c for c in bot.telegram.calls[before:] if c.method == "sendMessage"]


def test_a_briefing_missed_while_down_is_sent_once_after_restart(bot: BotHarness) -> None:
    this_weeks_news(bot.assistant.collection)
    briefer = Briefer(bot.assistant.collection)
    schedule = parse_schedule("daily 08:00 UTC")
    missed = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    missed -= timedelta(days=3)  # three runs were missed while the bot was down
    briefer.briefings.set_schedule(GROUP["id"], schedule, missed, set_by=USER["id"])
    now = datetime.now(UTC)
    (sent,) = run_due(bot, now)
    assert sent.params["chat_id"] == GROUP["id"]
    assert texts([sent])[0].startswith("📰 Briefing — 3 stories since")
    assert run_due(bot, now + timedelta(seconds=30)) == []  # restarted again: nothing repeats
    upcoming = briefer.briefings.schedule(GROUP["id"])
    assert upcoming is not None and now < upcoming.next_run_at <= now + timedelta(days=1)
    (next_day,) = run_due(bot, upcoming.next_run_at)
    assert texts([next_day])[0].startswith("📰 Nothing new since")


def test_a_reply_to_a_briefing_is_answered_from_its_stories(bot: BotHarness) -> None:
    this_weeks_news(bot.assistant.collection)
    (briefing,) = bot.say("/briefing")
    message_id = briefing.result["message_id"]
    (answer,) = texts(bot.say("How many children were rescued in Europe?", reply_to=message_id))
    assert answer.startswith("From the stories of that briefing:")
    assert "8 children" in answer


def test_briefings_are_flood_limited_per_person(make_bot) -> None:
    bot = make_bot(flood_limit=3)
    replies = [texts(bot.say("/briefing 7d")) for _ in range(5)]
    assert [len(reply) for reply in replies] == [1, 1, 1, 1, 0]
    assert all(reply[0].startswith("📰 ") for reply in replies[:3])  # a briefing, or "nothing new"
    assert replies[3][0].startswith("That's a lot of briefings at once. Please wait")
    other = {**USER, "id": USER["id"] + 1, "first_name": "Bob"}
    assert texts(bot.say("/briefing 7d", user=other))[0].startswith("📰 ")
    spanish = {**USER, "id": USER["id"] + 2, "language_code": "es"}
    replies = [texts(bot.say("/briefing 7d", user=spanish)) for _ in range(4)]
    assert replies[3][0].startswith("Son muchos resúmenes a la vez. Espera")
