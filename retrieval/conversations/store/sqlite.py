"""What chats remember, in SQLite: answers given and where, feedback, per-chat settings."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from retrieval.conversations.store.records import (
    ANSWER_COLUMNS,
    ChatSettings,
    Feedback,
    Forgotten,
    StoredAnswer,
    dump,
    load,
    shown,
    stored_answer,
)
from retrieval.core.models import Answer, Quote
from retrieval.core.store import Store, utc_now
from retrieval.language.detection import language_of


class SqliteConversations:
    """Answers, feedback and chat settings, in a SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record_answer(
        self, chat_id: int, user_id: int, question: str, query: str, answer: Answer
    ) -> int:
        """Remember an answer given in a chat; returns its id."""
        with self.store.transaction() as db:
            row = {
                "chat_id": chat_id,
                "user_id": user_id,
                "question": question,
                "query": query,
                "abstained": int(not answer.answered),
                "sources": dump(shown(answer)),
                "asked_at": utc_now(),
            }
            return int(db.table("answers").insert(row).last_rowid or 0)

    def add_sources(self, answer_id: int, quotes: Sequence[Quote]) -> None:
        """Append sources shown later ("More sources") to an answer."""
        with self.store.transaction() as db:
            ((current,),) = db.execute(
                "SELECT sources FROM answers WHERE id = ?", [answer_id]
            ).fetchall()
            merged = (*load(current), *quotes)
            db.execute("UPDATE answers SET sources = ? WHERE id = ?", [dump(merged), answer_id])

    def attach_messages(self, answer_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Remember which chat messages carry an answer, so replies to them can be followed up."""
        with self.store.transaction() as db:
            db.table("answer_messages").insert_all(
                (
                    {"chat_id": chat_id, "message_id": message_id, "answer_id": answer_id}
                    for message_id in message_ids
                ),
                replace=True,
            )

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """One stored answer by id."""
        rows = self.store.rows(f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = ?", [answer_id])
        return stored_answer(rows[0]) if rows else None

    def answer_for_message(self, chat_id: int, message_id: int) -> StoredAnswer | None:
        """The answer a chat message carries, if it carries one."""
        rows = self.store.rows(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = "
            "(SELECT answer_id FROM answer_messages WHERE chat_id = ? AND message_id = ?)",
            [chat_id, message_id],
        )
        return stored_answer(rows[0]) if rows else None

    def last_answer(self, chat_id: int, user_id: int | None = None) -> StoredAnswer | None:
        """The latest answer in a chat, to anyone or to one person."""
        where, params = "chat_id = ?", [chat_id]
        if user_id is not None:
            where, params = "chat_id = ? AND user_id = ?", [chat_id, user_id]
        rows = self.store.rows(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE {where} ORDER BY id DESC LIMIT 1", params
        )
        return stored_answer(rows[0]) if rows else None

    def record_feedback(self, answer: StoredAnswer, user_id: int, vote: int) -> None:
        """Store a vote (+1 or -1) on an answer; a second vote by the same person replaces it."""
        with self.store.transaction() as db:
            db.table("feedback").insert(
                {
                    "answer_id": answer.id,
                    "user_id": user_id,
                    "chat_id": answer.chat_id,
                    "vote": vote,
                    "question": answer.question,
                    "sources": dump(answer.sources),
                    "given_at": utc_now(),
                },
                replace=True,
            )

    def withdraw_feedback(self, answer_id: int, user_id: int) -> None:
        """Take back one person's vote on an answer."""
        with self.store.transaction() as db:
            db.execute(
                "DELETE FROM feedback WHERE answer_id = ? AND user_id = ?", [answer_id, user_id]
            )

    def feedback(self, answer_id: int) -> list[Feedback]:
        """Every vote on an answer."""
        rows = self.store.rows(
            "SELECT answer_id, user_id, chat_id, vote, question, sources FROM feedback "
            "WHERE answer_id = ? ORDER BY user_id",
            [answer_id],
        )
        return [
            Feedback(answer_id, user_id, chat_id, vote, question, load(sources))
            for answer_id, user_id, chat_id, vote, question, sources in rows
        ]

    def chat_settings(self, chat_id: int) -> ChatSettings:
        """A chat's settings, the defaults if it has none."""
        rows = self.store.rows(
            "SELECT link_previews, language, translations FROM chat_settings WHERE chat_id = ?",
            [chat_id],
        )
        if not rows:
            return ChatSettings()
        previews, language, translations = rows[0]
        return ChatSettings(bool(previews), language_of(language), bool(translations))

    def change_chat_settings(self, chat_id: int, **changes: object) -> ChatSettings:
        """Change some of a chat's settings, keeping the others; returns them all."""
        with self.store.transaction():
            settings = replace(self.chat_settings(chat_id), **changes)  # type: ignore[arg-type]
            self.save_chat_settings(chat_id, settings)
        return settings

    def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None:
        """Store a chat's settings."""
        with self.store.transaction() as db:
            db.table("chat_settings").insert(
                {
                    "chat_id": chat_id,
                    "link_previews": int(settings.link_previews),
                    "language": settings.language,
                    "translations": int(settings.translations),
                    "updated_at": utc_now(),
                },
                replace=True,
            )


class SqliteForgetting:
    """Deleting what people asked, in a SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def person(self, chat_id: int, user_id: int) -> Forgotten:
        """Delete a person's questions and answers in a chat, every vote on them, and theirs."""
        return self._delete("chat_id = ? AND user_id = ?", [chat_id, user_id], user_id)

    def older_than(self, cutoff: datetime) -> Forgotten:
        """Delete every question asked before a moment, with its answer and the votes on it."""
        return self._delete("asked_at < ?", [cutoff.isoformat(timespec="seconds")], None)

    def _delete(self, where: str, params: list[object], voter: int | None) -> Forgotten:
        """Delete the answers matching a condition (and votes by `voter` in the same chat)."""
        chosen = f"SELECT id FROM answers WHERE {where}"
        with self.store.transaction() as db:
            votes = db.execute(f"DELETE FROM feedback WHERE answer_id IN ({chosen})", params)
            voted = votes.rowcount
            if voter is not None:  # the person's votes on others' answers in that chat
                voted += db.execute(
                    "DELETE FROM feedback WHERE user_id = ? AND chat_id = ?", [voter, params[0]]
                ).rowcount
            db.execute(f"DELETE FROM answer_messages WHERE answer_id IN ({chosen})", params)
            asked = db.execute(f"DELETE FROM answers WHERE {where}", params).rowcount
        return Forgotten(asked, voted)
