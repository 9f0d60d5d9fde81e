"""What chats remember, in PostgreSQL: answers given and where, feedback, per-chat settings."""

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
from retrieval.core.postgres import PostgresStore
from retrieval.core.store import utc_now
from retrieval.language.detection import language_of


class PostgresConversations:
    """Answers, feedback and chat settings, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def record_answer(
        self, chat_id: int, user_id: int, question: str, query: str, answer: Answer
    ) -> int:
        """Remember an answer given in a chat; returns its id."""
        values = (chat_id, user_id, question, query, int(not answer.answered), dump(shown(answer)))
        rows = self.store.rows(
            "INSERT INTO answers (chat_id, user_id, question, query, abstained, sources, asked_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [*values, utc_now()],
        )
        return int(rows[0][0])

    def add_sources(self, answer_id: int, quotes: Sequence[Quote]) -> None:
        """Append sources shown later ("More sources") to an answer."""
        with self.store.transaction() as conn:
            found = conn.execute(
                "SELECT sources FROM answers WHERE id = %s FOR UPDATE", [answer_id]
            ).fetchone()
            if found is None:
                return
            merged = (*load(found[0]), *quotes)
            conn.execute("UPDATE answers SET sources = %s WHERE id = %s", [dump(merged), answer_id])

    def attach_messages(self, answer_id: int, chat_id: int, message_ids: Sequence[int]) -> None:
        """Remember which chat messages carry an answer, so replies to them can be followed up."""
        with self.store.transaction() as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO answer_messages (chat_id, message_id, answer_id) VALUES (%s, %s, %s) "
                "ON CONFLICT (chat_id, message_id) DO UPDATE SET answer_id = excluded.answer_id",
                [(chat_id, message_id, answer_id) for message_id in message_ids],
            )

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """One stored answer by id."""
        rows = self.store.rows(f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = %s", [answer_id])
        return stored_answer(rows[0]) if rows else None

    def answer_for_message(self, chat_id: int, message_id: int) -> StoredAnswer | None:
        """The answer a chat message carries, if it carries one."""
        rows = self.store.rows(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE id = "
            "(SELECT answer_id FROM answer_messages WHERE chat_id = %s AND message_id = %s)",
            [chat_id, message_id],
        )
        return stored_answer(rows[0]) if rows else None

    def last_answer(self, chat_id: int, user_id: int | None = None) -> StoredAnswer | None:
        """The latest answer in a chat, to anyone or to one person."""
        rows = self.store.rows(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE chat_id = %s "
            "AND (%s::bigint IS NULL OR user_id = %s) ORDER BY id DESC LIMIT 1",
            [chat_id, user_id, user_id],
        )
        return stored_answer(rows[0]) if rows else None

    def record_feedback(self, answer: StoredAnswer, user_id: int, vote: int) -> None:
        """Store a vote (+1 or -1) on an answer; a second vote by the same person replaces it."""
        values = (answer.id, user_id, answer.chat_id, vote, answer.question, dump(answer.sources))
        self.store.rows(
            "INSERT INTO feedback (answer_id, user_id, chat_id, vote, question, sources, given_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (answer_id, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, vote = excluded.vote, question = excluded.question, "
            "sources = excluded.sources, given_at = excluded.given_at RETURNING answer_id",
            [*values, utc_now()],
        )

    def withdraw_feedback(self, answer_id: int, user_id: int) -> None:
        """Take back one person's vote on an answer."""
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM feedback WHERE answer_id = %s AND user_id = %s", [answer_id, user_id]
            )

    def feedback(self, answer_id: int) -> list[Feedback]:
        """Every vote on an answer."""
        rows = self.store.rows(
            "SELECT answer_id, user_id, chat_id, vote, question, sources FROM feedback "
            "WHERE answer_id = %s ORDER BY user_id",
            [answer_id],
        )
        return [
            Feedback(answer_id, user_id, chat_id, vote, question, load(sources))
            for answer_id, user_id, chat_id, vote, question, sources in rows
        ]

    def chat_settings(self, chat_id: int) -> ChatSettings:
        """A chat's settings, the defaults if it has none."""
        rows = self.store.rows(
            "SELECT link_previews, language, translations FROM chat_settings WHERE chat_id = %s",
            [chat_id],
        )
        return _settings(rows[0]) if rows else ChatSettings()

    def change_chat_settings(self, chat_id: int, **changes: object) -> ChatSettings:
        """Change some of a chat's settings, keeping the others; returns them all.

        One statement: a concurrent change by another worker to another setting is kept.
        """
        changed = replace(ChatSettings(), **changes)  # type: ignore[arg-type]
        row = _row(changed)
        columns = [column for column in _SETTINGS if column in changes]
        updates = ", ".join(f"{column} = excluded.{column}" for column in columns)
        with self.store.transaction() as conn:
            found = conn.execute(
                f"INSERT INTO chat_settings (chat_id, {', '.join(_SETTINGS)}, updated_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
                f"{updates}, updated_at = excluded.updated_at "
                f"RETURNING {', '.join(_SETTINGS)}",
                [chat_id, *row, utc_now()],
            ).fetchone()
        assert found is not None  # an upsert returns its row
        return _settings(found)

    def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None:
        """Store a chat's settings."""
        updates = ", ".join(f"{column} = excluded.{column}" for column in _SETTINGS)
        with self.store.transaction() as conn:
            conn.execute(
                f"INSERT INTO chat_settings (chat_id, {', '.join(_SETTINGS)}, updated_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
                f"{updates}, updated_at = excluded.updated_at",
                [chat_id, *_row(settings), utc_now()],
            )


_SETTINGS = ("link_previews", "language", "translations")  # chat_settings' columns, in order


def _row(settings: ChatSettings) -> tuple[int, str | None, int]:
    """A chat's settings as chat_settings' columns."""
    return int(settings.link_previews), settings.language, int(settings.translations)


def _settings(row: tuple) -> ChatSettings:
    """A chat's settings from chat_settings' columns."""
    previews, language, translations = row
    return ChatSettings(bool(previews), language_of(language), bool(translations))


class PostgresForgetting:
    """Deleting what people asked, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def person(self, chat_id: int, user_id: int) -> Forgotten:
        """Delete a person's questions and answers in a chat, every vote on them, and theirs."""
        return self._delete("chat_id = %s AND user_id = %s", [chat_id, user_id], user_id)

    def older_than(self, cutoff: datetime) -> Forgotten:
        """Delete every question asked before a moment, with its answer and the votes on it."""
        return self._delete("asked_at < %s", [cutoff.isoformat(timespec="seconds")], None)

    def _delete(self, where: str, params: list[object], voter: int | None) -> Forgotten:
        """Delete the answers matching a condition (and votes by `voter` in the same chat)."""
        chosen = f"SELECT id FROM answers WHERE {where}"
        with self.store.transaction() as conn:
            voted = conn.execute(
                f"DELETE FROM feedback WHERE answer_id IN ({chosen})", params
            ).rowcount
            if voter is not None:  # the person's votes on others' answers in that chat
                voted += conn.execute(
                    "DELETE FROM feedback WHERE user_id = %s AND chat_id = %s", [voter, params[0]]
                ).rowcount
            conn.execute(f"DELETE FROM answer_messages WHERE answer_id IN ({chosen})", params)
            asked = conn.execute(f"DELETE FROM answers WHERE {where}", params).rowcount
        return Forgotten(asked, voted)
