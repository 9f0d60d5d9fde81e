"""Stories, subscriptions and the alert outbox: one interface, SQLite and PostgreSQL."""

from retrieval.alerts.store.postgres import PostgresAlertStore
from retrieval.alerts.store.records import (
    DROPPED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    AlertStore,
    AlreadySubscribed,
    OutboxEntry,
    StoryLink,
    Subscription,
    SubscriptionNotFound,
    TooManySubscriptions,
    topic_key,
)
from retrieval.alerts.store.sqlite import SqliteAlertStore
from retrieval.core.database import Database
from retrieval.core.postgres import PostgresStore

__all__ = [
    "DROPPED",
    "FAILED",
    "PENDING",
    "SENDING",
    "SENT",
    "AlertStore",
    "AlreadySubscribed",
    "OutboxEntry",
    "StoryLink",
    "Subscription",
    "SubscriptionNotFound",
    "TooManySubscriptions",
    "open_alerts",
    "topic_key",
]


def open_alerts(store: Database) -> AlertStore:
    """Stories, subscriptions and the outbox, in the store's database."""
    if isinstance(store, PostgresStore):
        return PostgresAlertStore(store)
    return SqliteAlertStore(store)
