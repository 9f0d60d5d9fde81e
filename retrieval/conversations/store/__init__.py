"""What chats remember: one interface, a SQLite and a PostgreSQL implementation."""

from retrieval.conversations.store.postgres import PostgresConversations, PostgresForgetting
from retrieval.conversations.store.records import (
    ChatSettings,
    Conversations,
    Feedback,
    Forgetting,
    Forgotten,
    StoredAnswer,
)
from retrieval.conversations.store.sqlite import SqliteConversations, SqliteForgetting
from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore

__all__ = [
    "ChatSettings",
    "Conversations",
    "Feedback",
    "Forgetting",
    "Forgotten",
    "StoredAnswer",
    "open_conversations",
    "open_forgetting",
]


def open_conversations(store: Database) -> Conversations:
    """Answers, feedback and chat settings in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresConversations(store)
    return SqliteConversations(store)


def open_forgetting(store: Database) -> Forgetting:
    """Deleting what people asked, in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresForgetting(store)
    return SqliteForgetting(store)
