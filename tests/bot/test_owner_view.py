"""The owner's view in Telegram: /stats and /articles, for owners in private only."""

from retrieval.operations.store import open_owners
from tests.bot.conftest import ANSWERED, GROUP, OFF_TOPIC, USER, BotHarness
from tests.bot.test_handlers import texts


def test_stats_and_articles_are_for_owners_in_private(bot: BotHarness) -> None:
    (refused,) = texts(bot.say("/stats"))
    assert "Only the bot's owners see this" in refused and str(USER["id"]) in refused
    open_owners(bot.assistant.collection.store).add(USER["id"])
    bot.telegram.member_status = "creator"
    (group,) = texts(bot.say("/articles", chat=GROUP))
    assert "private chat only" in group


def test_stats_show_articles_questions_and_votes_with_their_questions(bot: BotHarness) -> None:
    open_owners(bot.assistant.collection.store).add(USER["id"])
    (answer,) = bot.say(ANSWERED)
    bot.press(answer.result["message_id"], "up:1")
    (abstention,) = bot.say(OFF_TOPIC)
    bot.press(abstention.result["message_id"], "down:2")
    bot.say("/subscribe ransomware attacks on hospitals")
    (stats,) = texts(bot.say("/stats"))
    assert "📚 3 articles from 3 outlets" in stats
    assert "📡 0 feeds, 0 failing" in stats
    assert "1 subscriptions in 1 chats" in stats
    assert "Last 7 days: 1 questions answered, 1 not covered by the articles" in stats
    assert "👍 1 · 👎 1" in stats
    assert f"👎 {OFF_TOPIC}" in stats and f"👍 {ANSWERED}" in stats


def test_articles_lists_the_newest_and_shows_one(bot: BotHarness) -> None:
    open_owners(bot.assistant.collection.store).add(USER["id"])
    (listing,) = texts(bot.say("/articles"))
    assert listing.startswith("Stored last:")
    assert "#3 " in listing and "#1 2006-06-05 · U.S. Embassy in Mexico" in listing
    (one,) = texts(bot.say("/articles 2"))
    assert 'Cybercrime: "EU-US cooperation a necessity"' in one and "published 2012-05-03" in one
    (missing,) = texts(bot.say("/articles 99"))
    assert "There is no article #99" in missing
