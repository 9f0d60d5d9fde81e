"""What chats remember, as values, and the interfaces every backend's store offers."""

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Protocol

from retrieval.core.models import Answer, Quote
from retrieval.language.detection import Language


@dataclass(frozen=True)
class StoredAnswer:
    """An answer given in a chat, with every source shown so far (the closest ones if abstained)."""

    id: int
    chat_id: int
    user_id: int
    question: str
    query: str
    abstained: bool
    sources: tuple[Quote, ...]
    asked_at: datetime


@dataclass(frozen=True)
class Feedback:
    """One person's vote on an answer, with the question and the sources they were shown."""

    answer_id: int
    user_id: int
    chat_id: int
    vote: int
    question: str
    sources: tuple[Quote, ...]


@dataclass(frozen=True)
class ChatSettings:
    """How the bot behaves in one chat."""

    link_previews: bool = False
    language: Language | None = None  # None: each person is answered in their own language
    translations: bool = True  # machine translations under quotes in another language


@dataclass(frozen=True)
class Forgotten:
    """What was deleted: questions with their answers, and votes."""

    questions: int
    votes: int


class Conversations(Protocol):
    """Answers, feedback and chat settings."""

    def record_answer(
        self, chat_id: int, user_id: int, question: str, query: str, answer: Answer
    ) -> int:
        """Remember an answer given in a chat; returns its id."""

    def add_sources(self, answer_id: int, quotes: Sequence[Quote]) -> None:
        """Append sources shown later ("More sources") to an answer."""

    def attach_messages(self, answer_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Remember which chat messages carry an answer, so replies to them can be followed up."""

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """One stored answer by id."""

    def answer_for_message(self, chat_id: int, message_id: int) -> StoredAnswer | None:
        """The answer a chat message carries, if it carries one."""

    def last_answer(self, chat_id: int, user_id: int | None = None) -> StoredAnswer | None:
        """The latest answer in a chat, to anyone or to one person."""

    def record_feedback(self, answer: StoredAnswer, user_id: int, vote: int) -> None:
        """Store a vote (+1 or -1) on an answer; a second vote by the same person replaces it."""

    def withdraw_feedback(self, answer_id: int, user_id: int) -> None:
        """Take back one person's vote on an answer."""

    def feedback(self, answer_id: int) -> list[Feedback]:
        """Every vote on an answer."""

    def chat_settings(self, chat_id: int) -> ChatSettings:
        """A chat's settings, the defaults if it has none."""

    def change_chat_settings(self, chat_id: int, **changes: object) -> ChatSettings:
        """Change some of a chat's settings, keeping the others; returns them all."""

    def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None:
        """Store a chat's settings."""


class Forgetting(Protocol):
    """Deleting what people asked: on request (/forget) and after the retention period."""

    def person(self, chat_id: int, user_id: int) -> Forgotten:
        """Delete a person's questions and answers in a chat, every vote on them, and theirs."""

    def older_than(self, cutoff: datetime) -> Forgotten:
        """Delete every question asked before a moment, with its answer and the votes on it."""


ANSWER_COLUMNS = "id, chat_id, user_id, question, query, abstained, sources, asked_at"


def shown(answer: Answer) -> tuple[Quote, ...]:
    """The sources an answer shows: its quotes, or the closest passages if it abstained."""
    return answer.quotes if answer.answered else answer.reading


def dump(quotes: Sequence[Quote]) -> str:
    """Quotes as JSON."""
    return json.dumps([asdict(quote) for quote in quotes], ensure_ascii=False)


def load(text: str) -> tuple[Quote, ...]:
    """Quotes from JSON."""
    return tuple(Quote(**record) for record in json.loads(text))


def stored_answer(row: tuple) -> StoredAnswer:
    """A stored answer from its row."""
    answer_id, chat_id, user_id, question, query, abstained, sources, asked_at = row
    return StoredAnswer(
        answer_id,
        chat_id,
        user_id,
        question,
        query,
        bool(abstained),
        load(sources),
        datetime.fromisoformat(asked_at),
    )
