"""Topic subscriptions and alerts: match new articles, group them into stories, queue and track."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from retrieval.alerts.matching import (
    KEYWORD_BONUS,
    STORY_WINDOW,
    TOPIC_THRESHOLD,
    StoryIndex,
    Topic,
    key_sentences,
    matches,
    parse_topic,
    topic_similarities,
)
from retrieval.alerts.store import (
    DROPPED,
    FAILED,
    OutboxEntry,
    StoryLink,
    Subscription,
    open_alerts,
)
from retrieval.core.collection import Collection
from retrieval.core.models import Article, Quote, quote_of
from retrieval.core.store import whole_second
from retrieval.text.headlines import quotable
from retrieval.text.query import stems

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

MATCH_BATCH = 500
MAX_ATTEMPTS = 8
MAX_SUBSCRIPTIONS = 20  # per chat
NEWS_AGE = timedelta(days=7)  # older articles (a new feed's back catalogue) are stored, not alerted
MUTE = timedelta(days=7)
STORIES_PER_MESSAGE = 5
SEND_LEASE = timedelta(minutes=10)  # longer than any send, rate limits and retries included


@dataclass(frozen=True)
class Matching:
    """What matching new articles did: alerts queued, and articles too old to alert about."""

    articles: int = 0
    queued: int = 0
    too_old: int = 0

    def __add__(self, other: "Matching") -> "Matching":
        return Matching(
            self.articles + other.articles,
            self.queued + other.queued,
            self.too_old + other.too_old,
        )


@dataclass(frozen=True)
class StoryAlert:
    """One story for one chat: its first article, quotes, every outlet's link, the topic."""

    alert_ids: tuple[int, ...]
    article: Article
    quotes: tuple[Quote, ...]
    links: tuple[StoryLink, ...]
    topic: str
    subscription_id: int


@dataclass(frozen=True)
class Delivery:
    """The alerts due in one chat, to go out in one message."""

    chat_id: int
    stories: tuple[StoryAlert, ...]

    @property
    def alert_ids(self) -> list[int]:
        """Every outbox entry this message settles."""
        return [alert_id for story in self.stories for alert_id in story.alert_ids]


class Alerter:
    """Subscriptions for chats, and alerts about new stories that match them."""

    def __init__(
        self,
        collection: Collection,
        clock: Clock = lambda: datetime.now(UTC),
        threshold: float = TOPIC_THRESHOLD,
        news_age: timedelta = NEWS_AGE,
    ) -> None:
        self.collection = collection
        self.threshold = threshold
        self.news_age = news_age
        self.alerts = open_alerts(collection.store)
        self.clock = clock

    # -- subscriptions ----------------------------------------------------------

    def subscribe(self, chat_id: int, user_id: int | None, text: str) -> Subscription:
        """Subscribe a chat to a topic in plain words ('-word' excludes a word)."""
        topic = parse_topic(text)
        vector = self.collection.embedder.embed([topic.text])[0]
        raw = " ".join(text.split())
        model = self.collection.embedder.name
        return self.alerts.add_subscription(chat_id, user_id, raw, vector, model, MAX_SUBSCRIPTIONS)

    def _current(self, subscriptions: list[Subscription]) -> list[Subscription]:
        """The subscriptions with topic vectors from the current model, re-embedding others."""
        model = self.collection.embedder.name
        stale = [s for s in subscriptions if s.model != model]
        if not stale:
            return subscriptions
        vectors = self.collection.embedder.embed([parse_topic(s.topic).text for s in stale])
        renewed = {}
        for subscription, vector in zip(stale, vectors, strict=True):
            self.alerts.replace_topic_vector(subscription.id, vector, model)
            renewed[subscription.id] = replace(subscription, vector=vector, model=model)
        return [renewed.get(s.id, s) for s in subscriptions]

    def mute(self, chat_id: int, sub_id: int, period: timedelta | None = MUTE) -> Subscription:
        """Hear nothing of one of a chat's topics for a while (stories meanwhile are skipped).

        A period of None hears the topic again at once.
        """
        until = whole_second(self.clock() + period) if period is not None else None
        return self.alerts.mute(chat_id, sub_id, until)

    def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions; a mute that has run out shows as none."""
        now = self.clock().isoformat(timespec="seconds")
        return [
            s if not s.muted_until or s.muted_until > now else replace(s, muted_until=None)
            for s in self.alerts.subscriptions(chat_id)
        ]

    def unsubscribe(self, chat_id: int, sub_id: int) -> Subscription:
        """Remove a chat's subscription; its queued alerts go to another topic they match."""
        active = self._current(self.alerts.subscriptions(chat_id, active=True))
        others = [s for s in active if s.id != sub_id]
        for entry in self.alerts.pending_for(chat_id, sub_id):
            heir = self._first_match(entry.story_id, others)
            if heir is not None:
                self.alerts.reassign(entry.id, heir.id)
        return self.alerts.remove_subscription(chat_id, sub_id)

    def _first_match(
        self, article_id: int, subscriptions: list[Subscription]
    ) -> Subscription | None:
        """The first of some subscriptions that an article matches."""
        found = self.collection.store.articles([article_id])
        if not subscriptions or article_id not in found:
            return None
        _, sentence_vectors = self.alerts.sentence_vectors(
            article_id, self.collection.embedder.name
        )
        topics = [parse_topic(s.topic) for s in subscriptions]
        matrix = np.stack([s.vector for s in subscriptions])
        hits = self._matching(found[article_id], sentence_vectors, topics, matrix)
        return subscriptions[hits[0]] if hits else None

    def _matching(
        self,
        article: Article,
        sentence_vectors: np.ndarray,
        topics: list[Topic],
        matrix: np.ndarray | None,
    ) -> list[int]:
        """The rows of the topics (rows of `matrix`) an article matches."""
        similarities = topic_similarities(matrix, sentence_vectors)
        close = np.flatnonzero(similarities + KEYWORD_BONUS >= self.threshold)
        if not len(close):
            return []
        words = set(stems(f"{article.title}\n{article.text}"))
        return [
            int(n)
            for n in close
            if matches(topics[n], float(similarities[n]), words, self.threshold)
        ]

    def resume(self, chat_id: int) -> int:
        """Resume a chat's paused subscriptions (it wrote to the bot again)."""
        return self.alerts.set_paused(chat_id, False)

    # -- matching ---------------------------------------------------------------

    def match_new(self) -> int:
        """Match every article not matched yet; queue alerts; returns how many were queued."""
        return self.match().queued

    def match(self) -> Matching:
        """Match every article not matched yet, queue alerts, and say what it did."""
        done = Matching()
        while ids := self.alerts.unmatched_articles(MATCH_BATCH):
            done += self._match(ids)
        return done

    def _match(self, ids: list[int]) -> Matching:
        """Assign stories and queue alerts for a batch of new articles, each in one transaction."""
        now = self.clock().isoformat(timespec="seconds")
        subscriptions = self._current(
            [
                s
                for s in self.alerts.subscriptions(active=True)
                if not s.muted_until or s.muted_until <= now
            ]
        )
        topics = [parse_topic(sub.topic) for sub in subscriptions]
        matrix = np.stack([sub.vector for sub in subscriptions]) if subscriptions else None
        store = self.collection.store
        recent = self.alerts.recent_stories(ids[0], STORY_WINDOW)
        known = store.article_vectors(
            [article_id for article_id, _ in recent], self.collection.embedder.name
        )
        index = StoryIndex(
            [story for article_id, story in recent if article_id in known],
            [known[article_id] for article_id, _ in recent if article_id in known],
            room=len(ids),
        )
        articles = store.articles(ids)
        vectors = store.article_vectors(ids, self.collection.embedder.name)
        oldest_news = (self.clock() - self.news_age).date().isoformat()
        queued = too_old = 0
        for article_id in ids:
            article = articles[article_id]
            vector = vectors.get(article_id)
            story_id = (index.find(vector) if vector is not None else None) or article_id
            matched = []
            if (article.published or oldest_news) < oldest_news:
                too_old += 1  # stored, but no news to announce
            else:
                _, sentence_vectors = self.alerts.sentence_vectors(
                    article_id, self.collection.embedder.name
                )
                matched = [
                    (subscriptions[n].chat_id, subscriptions[n].id)
                    for n in self._matching(article, sentence_vectors, topics, matrix)
                    if subscriptions[n].after_article < article_id
                ]
            queued += self.alerts.record_match(article_id, story_id, matched, self.clock())
            if vector is not None:
                index.add(story_id, vector)
        return Matching(len(ids), queued, too_old)

    # -- delivery ---------------------------------------------------------------

    def deliveries(self) -> list[Delivery]:
        """The due alerts, grouped into one delivery per chat of up to a few stories.

        Alerts a dead process left mid-send for longer than SEND_LEASE are due again.
        """
        stale = self.alerts.requeue_stale(self.clock(), SEND_LEASE)
        if stale:
            log.warning("%d alerts were left mid-send by a stopped bot; sending them again", stale)
        by_chat: dict[int, list[OutboxEntry]] = {}
        for entry in self.alerts.due(self.clock()):
            by_chat.setdefault(entry.chat_id, []).append(entry)
        deliveries = []
        for chat_id, entries in by_chat.items():
            subscriptions = {s.id: s for s in self._current(self.alerts.subscriptions(chat_id))}
            stories = [
                self._story(entry, subscriptions.get(entry.subscription_id))
                for entry in entries[:STORIES_PER_MESSAGE]
            ]
            deliveries.append(Delivery(chat_id, tuple(s for s in stories if s is not None)))
        return deliveries

    def _story(self, entry: OutboxEntry, subscription: Subscription | None) -> StoryAlert | None:
        """What to tell a chat about a story; None (and dropped) if it is gone."""
        links = self.alerts.story_links(entry.story_id)
        found = self.collection.store.articles([entry.story_id])
        if entry.story_id not in found or subscription is None:
            self.alerts.give_up([entry.id], DROPPED, "story or subscription removed")
            return None
        article = found[entry.story_id]
        spans, vectors = self.alerts.sentence_vectors(article.id, self.collection.embedder.name)
        statements = [quotable(article.text, span, article.title) for span in spans]
        rows = key_sentences(subscription.vector, vectors, statements)
        quotes = tuple(quote_of(article, *spans[row]) for row in rows)
        return StoryAlert(
            (entry.id,), article, quotes, tuple(links), subscription.topic, subscription.id
        )

    def claim(self, delivery: Delivery) -> Delivery:
        """Take a delivery's alerts for sending now: the stories no other process has taken."""
        taken = self.alerts.claim(delivery.alert_ids, self.clock())
        stories = tuple(story for story in delivery.stories if taken.issuperset(story.alert_ids))
        return Delivery(delivery.chat_id, stories)

    def delivered(self, delivery: Delivery, message_id: int) -> None:
        """Telegram accepted the message: these alerts are done."""
        self.alerts.sent(delivery.alert_ids, message_id, self.clock())

    def failed(self, delivery: Delivery, error: str, wait: float | None = None) -> None:
        """Sending failed for now: retry after `wait` seconds, else back off; give up eventually."""
        attempts = max((e.attempts for e in self.alerts.entries(delivery.alert_ids)), default=0)
        if attempts + 1 >= MAX_ATTEMPTS:
            self.alerts.give_up(delivery.alert_ids, FAILED, error)
            return
        delay = timedelta(seconds=wait if wait is not None else 30 * 2**attempts)
        self.alerts.retry(delivery.alert_ids, self.clock() + delay, error)

    def chat_gone(self, delivery: Delivery, error: str) -> None:
        """The chat blocked the bot or no longer exists: pause its subscriptions, drop alerts."""
        paused = self.alerts.set_paused(delivery.chat_id, True)
        self.alerts.give_up(delivery.alert_ids, DROPPED, error)
        self.alerts.drop_pending(delivery.chat_id, error)
        log.info(
            "chat %s is unreachable (%s): paused %d subscriptions", delivery.chat_id, error, paused
        )
