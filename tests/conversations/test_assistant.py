"""Conversations over a collection: follow-ups in context, more sources, votes."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection

QUESTION = "Which children were rescued?"


def test_short_followup_soon_after_uses_the_previous_question(seeded: Collection) -> None:
    now = [datetime.now(UTC)]
    assistant = Assistant(seeded, timedelta(minutes=10), clock=lambda: now[0])
    assistant.ask(1, 2, QUESTION)
    reply = assistant.ask(1, 2, "and in Europe?")
    assert reply.followup and reply.query == "Which children were rescued in Europe?"
    assert not assistant.ask(1, 3, "and in Europe?").followup  # another person
    assert not assistant.ask(9, 2, "and in Europe?").followup  # another chat
    now[0] += timedelta(minutes=11)
    assert not assistant.ask(1, 2, "and in Europe?").followup  # too late


def test_reply_to_an_answer_message_uses_that_answer(seeded: Collection) -> None:
    assistant = Assistant(seeded)
    first = assistant.ask(1, 2, QUESTION)
    assistant.delivered(first.answer_id, 1, [50])
    assistant.ask(1, 2, "How do drug cartels use social networks?")
    reply = assistant.ask(1, 3, "Europe?", replied_to=50)
    assert reply.followup and reply.query == "Which children were rescued Europe?"
    assert not assistant.ask(1, 3, "Europe?", replied_to=51).followup


def test_more_pages_through_new_sources(seeded: Collection) -> None:
    assistant = Assistant(seeded)
    reply = assistant.ask(1, 2, "How do drug cartels use social networks?")
    seen = {(q.article_id, q.start) for q in reply.answer.quotes}
    assert assistant.more(reply.answer_id, chat_id=5) is None  # not this chat's answer
    page = assistant.more(reply.answer_id, chat_id=1)
    assert page is not None and page.first_number == 4 and page.quotes
    assert not seen & {(q.article_id, q.start) for q in page.quotes}
    stored = assistant.last_answer(1)
    assert stored is not None and len(stored.sources) == 3 + len(page.quotes)
    assert assistant.more(999, chat_id=1) is None


def test_a_long_pasted_question_is_answered(seeded: Collection) -> None:
    question = "How many children were rescued in Europe? " * 80
    assert len(question) > 3_000  # Telegram delivers up to 4,096 characters
    reply = Assistant(seeded).ask(1, 2, question)
    assert not reply.answer.abstained
    assert "8 children" in reply.answer.quotes[0].text


def test_votes_replace_earlier_votes(seeded: Collection) -> None:
    assistant = Assistant(seeded)
    reply = assistant.ask(1, 2, QUESTION)
    assert assistant.vote(reply.answer_id, 1, 2, -1) and assistant.vote(reply.answer_id, 1, 2, 1)
    assert [f.vote for f in assistant.conversations.feedback(reply.answer_id)] == [1]
    assert not assistant.vote(12345, 1, 2, 1) and not assistant.vote(reply.answer_id, 7, 2, 1)


def test_overview_is_cached_until_articles_change(seeded: Collection) -> None:
    assistant = Assistant(seeded)
    first = assistant.overview()
    assert first.summary.articles == 3
    assert assistant.overview() is first


def test_questions_from_many_threads_at_once(seeded: Collection) -> None:
    """The bot asks from worker threads concurrently: nothing shared may break."""
    assistant = Assistant(seeded)
    questions = [QUESTION, "How do drug cartels use social networks?", "What is Operation Predator"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda n: assistant.ask(n, n, questions[n % 3]), range(120)))
    assert len({reply.answer_id for reply in replies}) == 120
