"""Owners without guesswork, and privacy: /whoami, owners from the database, /forget, retention."""

from datetime import UTC, datetime, timedelta

from bot.operations.handlers import OperationsHandlers
from retrieval.conversations.store import open_forgetting
from retrieval.core.config import Policy
from retrieval.operations.store import open_owners, open_shelf, open_statistics
from tests.bot.conftest import ANSWERED, GROUP, USER, BotHarness
from tests.bot.test_handlers import texts


def test_whoami_tells_people_their_id_and_how_to_become_an_owner(bot: BotHarness) -> None:
    (reply,) = texts(bot.say("/whoami"))
    assert f"Your Telegram id is {USER['id']}." in reply
    assert f"cyberbrief owners add {USER['id']}" in reply and "chat's id" not in reply
    (group,) = texts(bot.say("/whoami", chat=GROUP))
    assert f"This chat's id is {GROUP['id']}." in group


def test_the_refusal_names_the_id_and_a_stored_owner_may_add_feeds(bot: BotHarness) -> None:
    (refusal,) = texts(bot.say("/addfeed http://10.0.0.7/rss"))
    assert "Only the bot's owners" in refusal
    assert f"Your Telegram id is {USER['id']}" in refusal
    assert f"cyberbrief owners add {USER['id']}" in refusal
    open_owners(bot.assistant.collection.store).add(USER["id"])  # as `cyberbrief owners add` does
    (_reading, tried) = texts(bot.say("/addfeed http://10.0.0.7/rss"))
    assert "private or local address" in tried  # allowed to try: now an owner
    (reply,) = texts(bot.say("/whoami"))
    assert "You are one of the bot's owners" in reply


def stored(bot: BotHarness, sql: str) -> int:
    """A count from the bot's database."""
    return bot.assistant.collection.store.rows(sql)[0][0]


def test_forget_deletes_a_persons_questions_answers_and_votes_in_that_chat(
    bot: BotHarness,
) -> None:
    (reply,) = bot.say(ANSWERED)
    bot.press(reply.result["message_id"], "up:1")
    bot.telegram.member_status = "member"
    bot.say(f"/ask {ANSWERED}", chat=GROUP)  # the same person in another chat: kept
    assert stored(bot, "SELECT count(*) FROM answers") == 2
    assert stored(bot, "SELECT count(*) FROM feedback") == 1
    (done,) = texts(bot.say("/forget"))
    assert done.startswith("Deleted 1 question with their answers, and 1 vote, of yours")
    assert stored(bot, f"SELECT count(*) FROM answers WHERE chat_id = {USER['id']}") == 0
    assert stored(bot, "SELECT count(*) FROM feedback") == 0
    assert stored(bot, "SELECT count(*) FROM answer_messages WHERE answer_id = 1") == 0
    assert stored(bot, f"SELECT count(*) FROM answers WHERE chat_id = {GROUP['id']}") == 1
    (again,) = texts(bot.say("/forget"))
    assert again.startswith("I keep nothing of yours in this chat")


def test_the_retention_job_runs_daily_only_when_set(make_bot: object) -> None:
    def jobs(bot: BotHarness) -> list[str]:
        queue = bot.application.job_queue
        return [job.name for job in queue.jobs()] if queue else []

    assert "forget_old" not in jobs(make_bot())  # type: ignore[operator]
    kept = make_bot(policy=Policy(keep_questions_days=30))  # type: ignore[operator]
    assert "forget_old" in jobs(kept)


def test_questions_older_than_the_retention_period_are_deleted_daily(bot: BotHarness) -> None:
    bot.say(ANSWERED)
    bot.say("What did the DEA report say?")
    store = bot.assistant.collection.store
    with store.transaction() as db:
        db.execute("UPDATE answers SET asked_at = '2024-01-01T00:00:00+00:00' WHERE id = 1")
    job = OperationsHandlers(
        open_owners(store),
        open_forgetting(store),
        30,
        open_statistics(store),
        open_shelf(store),
        lambda: datetime.now(UTC),
    )
    bot.loop.run_until_complete(job.forget_old(None))  # type: ignore[arg-type]
    assert [row[0] for row in store.rows("SELECT id FROM answers")] == [2]
    later = OperationsHandlers(
        open_owners(store),
        open_forgetting(store),
        30,
        open_statistics(store),
        open_shelf(store),
        lambda: datetime.now(UTC) + timedelta(days=31),
    )
    bot.loop.run_until_complete(later.forget_old(None))  # type: ignore[arg-type]
    assert store.rows("SELECT count(*) FROM answers") == [(0,)]
