"""Answers, messages, feedback and chat settings remembered in the store's database."""

from datetime import timedelta

from retrieval.conversations.store import (
    ChatSettings,
    Forgotten,
    open_conversations,
    open_forgetting,
)
from retrieval.core.database import Database, open_target
from retrieval.core.models import Answer, Quote

QUOTE = Quote(1, "Title", "Outlet", "2012-05-03", None, "A sentence.", 0, 11, 1.5)


def test_answers_feedback_and_settings_survive_a_restart(database_target: str) -> None:
    store = open_target(database_target)
    conversations = open_conversations(store)
    answer = Answer("q?", (QUOTE,), abstained=False)
    answer_id = conversations.record_answer(7, 8, "and q?", "p q?", answer)
    conversations.attach_messages(answer_id, 7, [100, 101])
    conversations.add_sources(answer_id, [QUOTE])
    stored = conversations.answer(answer_id)
    assert stored is not None
    conversations.record_feedback(stored, 8, -1)
    conversations.record_feedback(stored, 8, 1)
    conversations.save_chat_settings(7, ChatSettings(link_previews=True))
    store.close()

    conversations = open_conversations(open_target(database_target))
    stored = conversations.answer_for_message(7, 101)
    assert stored is not None and stored.id == answer_id
    assert (stored.question, stored.query, stored.sources) == ("and q?", "p q?", (QUOTE, QUOTE))
    assert conversations.last_answer(7) == stored == conversations.last_answer(7, 8)
    assert conversations.last_answer(7, 9) is None
    assert conversations.answer_for_message(7, 5) is None
    (vote,) = conversations.feedback(answer_id)
    assert (vote.vote, vote.question, vote.sources) == (1, "and q?", (QUOTE, QUOTE))
    assert conversations.chat_settings(7).link_previews
    assert not conversations.chat_settings(8).link_previews


def test_a_chats_language_and_translations_change_one_at_a_time(database_target: str) -> None:
    store, other_worker = open_target(database_target), open_target(database_target)
    conversations = open_conversations(store)
    assert conversations.chat_settings(7) == ChatSettings(False, None, True)
    conversations.change_chat_settings(7, link_previews=True)
    assert open_conversations(other_worker).change_chat_settings(7, language="es") == (
        ChatSettings(True, "es", True)
    )
    changed = conversations.change_chat_settings(7, translations=False)
    assert changed == ChatSettings(True, "es", False)
    store.close()
    other_worker.close()

    reopened = open_target(database_target)
    assert open_conversations(reopened).chat_settings(7) == ChatSettings(True, "es", False)
    assert open_conversations(reopened).chat_settings(8) == ChatSettings()
    reopened.close()


def test_abstentions_keep_the_closest_articles(database: Database) -> None:
    conversations = open_conversations(database)
    answer_id = conversations.record_answer(1, 1, "q", "q", Answer("q", (), True, (QUOTE,)))
    stored = conversations.answer(answer_id)
    assert stored is not None and stored.abstained and stored.sources == (QUOTE,)


def test_forgetting_a_person_deletes_their_questions_and_every_vote_on_them(
    database: Database,
) -> None:
    conversations, forgetting = open_conversations(database), open_forgetting(database)
    answer = Answer("q?", (QUOTE,), abstained=False)
    mine = conversations.record_answer(7, 8, "mine?", "mine?", answer)
    theirs = conversations.record_answer(7, 9, "theirs?", "theirs?", answer)
    elsewhere = conversations.record_answer(5, 8, "mine too?", "mine too?", answer)
    conversations.attach_messages(mine, 7, [100])
    for answer_id, voter in ((mine, 9), (theirs, 8), (theirs, 9)):
        stored = conversations.answer(answer_id)
        assert stored is not None
        conversations.record_feedback(stored, voter, 1)

    assert forgetting.person(7, 8) == Forgotten(questions=1, votes=2)
    assert conversations.answer(mine) is None and conversations.answer_for_message(7, 100) is None
    assert [vote.user_id for vote in conversations.feedback(theirs)] == [9]
    assert conversations.answer(elsewhere) is not None  # another chat: kept
    assert forgetting.person(7, 8) == Forgotten(0, 0)


def test_retention_deletes_only_the_questions_asked_before_the_cutoff(database: Database) -> None:
    conversations, forgetting = open_conversations(database), open_forgetting(database)
    answer_id = conversations.record_answer(7, 8, "q?", "q?", Answer("q?", (QUOTE,), False))
    stored = conversations.answer(answer_id)
    assert stored is not None
    conversations.record_feedback(stored, 8, -1)
    assert forgetting.older_than(stored.asked_at) == Forgotten(0, 0)
    assert forgetting.older_than(stored.asked_at + timedelta(seconds=1)) == Forgotten(1, 1)
    assert conversations.last_answer(7) is None
