"""Answers, messages, feedback and chat settings remembered in the store's database."""

from pathlib import Path

from retrieval.conversations.store import ChatSettings, Conversations
from retrieval.core.models import Answer, Quote
from retrieval.core.store import Store

QUOTE = Quote(1, "Title", "Outlet", "2012-05-03", None, "A sentence.", 0, 11, 1.5)


def test_answers_feedback_and_settings_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = Store(path)
    conversations = Conversations(store)
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

    conversations = Conversations(Store(path))
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


def test_abstentions_keep_the_closest_articles(store: Store) -> None:
    conversations = Conversations(store)
    answer_id = conversations.record_answer(1, 1, "q", "q", Answer("q", (), True, (QUOTE,)))
    stored = conversations.answer(answer_id)
    assert stored is not None and stored.abstained and stored.sources == (QUOTE,)
