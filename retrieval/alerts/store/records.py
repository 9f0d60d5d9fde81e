"""Stories, subscriptions and alerts as values; the interface of their store."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

PENDING, SENDING, SENT, DROPPED, FAILED = "pending", "sending", "sent", "dropped", "failed"


class SubscriptionNotFound(LookupError):
    """No subscription with this id in this chat."""


class TooManySubscriptions(ValueError):
    """A chat already has the most subscriptions allowed."""


class AlreadySubscribed(ValueError):
    """The chat already follows this topic."""

    def __init__(self, subscription: "Subscription") -> None:
        super().__init__(f"this chat already follows that topic (#{subscription.id})")
        self.subscription = subscription


def topic_key(topic: str) -> str:
    """What makes two topics the same: their words, case-folded."""
    return " ".join(topic.split()).casefold()


@dataclass(frozen=True)
class Subscription:
    """A chat's standing request to hear about new stories on a topic."""

    id: int
    chat_id: int
    user_id: int | None
    topic: str
    vector: np.ndarray
    after_article: int
    paused: bool
    muted_until: str | None = None
    model: str | None = None  # the model variant that made the vector


@dataclass(frozen=True)
class OutboxEntry:
    """An alert waiting in the outbox: which story goes to which chat, for which subscription."""

    id: int
    chat_id: int
    story_id: int
    subscription_id: int
    attempts: int


@dataclass(frozen=True)
class StoryLink:
    """One outlet's article within a story."""

    article_id: int
    url: str | None
    source: str | None


SUBSCRIPTION = "id, chat_id, user_id, topic, vector, after_article, paused, muted_until, model"
OUTBOX = "id, chat_id, story_id, subscription_id, attempts"


def subscription_from_row(row: tuple) -> Subscription:
    """A subscription from its row."""
    sub_id, chat_id, user_id, topic, vector, after, paused, muted_until, model = row
    vector = np.frombuffer(vector, dtype="<f4")
    return Subscription(
        sub_id, chat_id, user_id, topic, vector, after, bool(paused), muted_until, model
    )


class AlertStore(Protocol):
    """All that alerts keep: the match cursor, stories, subscriptions and the outbox."""

    def matched_through(self) -> int:
        """The id of the last article already matched against subscriptions."""

    def unmatched_articles(self, limit: int) -> list[int]:
        """Ids of stored articles not yet matched, oldest first."""

    def sentence_vectors(
        self, article_id: int, model: str
    ) -> tuple[list[tuple[int, int]], np.ndarray]:
        """An article's sentence spans and their vectors made by `model`, in order."""

    def recent_stories(self, before: int, limit: int) -> list[tuple[int, int]]:
        """(article id, story id) of the `limit` articles stored last before article `before`."""

    def record_match(
        self, article_id: int, story_id: int, alerts: Sequence[tuple[int, int]], now: datetime
    ) -> int:
        """In one transaction: the article's story, its new alerts (chat, subscription), cursor.

        Returns how many alerts were queued: a chat hears about a story once, however many of
        its subscriptions match and however many articles retell the story.
        """

    def story_links(self, story_id: int) -> list[StoryLink]:
        """The articles of a story, first stored first, with every link feeds gave for them."""

    def links(self, article_ids: Sequence[int]) -> list[StoryLink]:
        """The links of some articles: their own URL and those feeds gave, each once, in order."""

    def add_subscription(
        self,
        chat_id: int,
        user_id: int | None,
        topic: str,
        vector: np.ndarray,
        model: str,
        limit: int,
    ) -> Subscription:
        """Store a subscription, the chat's `limit` at most and one per topic; it covers articles
        from now on. Checked and added in one transaction: no limit overshoot, no twin topics."""

    def subscription_on(self, chat_id: int, topic: str) -> Subscription | None:
        """The chat's subscription to the same topic, if it has one."""

    def mute(self, chat_id: int, sub_id: int, until: datetime | None) -> Subscription:
        """Silence one of a chat's subscriptions until a moment (None: hear it again)."""

    def subscription(self, chat_id: int, sub_id: int) -> Subscription:
        """One of a chat's subscriptions."""

    def subscriptions(self, chat_id: int | None = None, active: bool = False) -> list[Subscription]:
        """A chat's subscriptions (every chat's when None), oldest first."""

    def replace_topic_vector(self, sub_id: int, vector: np.ndarray, model: str) -> None:
        """Give a subscription's topic a vector made by another model variant."""

    def pending_for(self, chat_id: int, sub_id: int) -> list[OutboxEntry]:
        """The alerts still queued in a chat because of one subscription."""

    def reassign(self, alert_id: int, sub_id: int) -> None:
        """Credit a queued alert to another of the chat's subscriptions."""

    def remove_subscription(self, chat_id: int, sub_id: int) -> Subscription:
        """Delete one of a chat's subscriptions; its queued alerts are dropped."""

    def set_paused(self, chat_id: int, paused: bool) -> int:
        """Pause or resume all of a chat's subscriptions; returns how many changed."""

    def requeue_stale(self, now: datetime, lease: timedelta) -> int:
        """Alerts left mid-send for longer than `lease` (their process died): queue them again.

        Telegram's reply was never recorded, so it may never have come: the message may or may
        not have reached the chat, and is sent again (at least once, for this narrow window).
        """

    def due(self, now: datetime, limit: int = 500) -> list[OutboxEntry]:
        """Pending alerts whose time has come, by chat then age."""

    def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        """Outbox entries by id."""

    def drop_pending(self, chat_id: int, error: str) -> None:
        """Drop every alert still queued for a chat."""

    def claim(self, ids: Sequence[int], now: datetime) -> set[int]:
        """Take due alerts for sending, just before their message goes out; the ids taken.

        A conditional update: of several processes delivering from one database, one takes
        each alert; the others get nothing back and send nothing.
        """

    def sent(self, ids: Sequence[int], message_id: int, now: datetime) -> None:
        """Mark alerts delivered, after Telegram accepted the message."""

    def retry(self, ids: Sequence[int], due_at: datetime, error: str) -> None:
        """Put alerts back in the queue for a later attempt."""

    def give_up(self, ids: Sequence[int], state: str, error: str) -> None:
        """Stop trying to deliver alerts (failed for good, or chat gone)."""

    def counts(self) -> dict[str, int]:
        """How many alerts are in each state."""
