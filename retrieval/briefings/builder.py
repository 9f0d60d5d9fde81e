"""Briefings: what is new in a window, near-duplicates as one story, related stories together."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from retrieval.alerts.matching import StoryIndex, key_sentences
from retrieval.alerts.store import StoryLink, open_alerts
from retrieval.briefings.headings import OTHERS, background, heading
from retrieval.briefings.store import ArticleHead, open_briefings
from retrieval.briefings.window import news_moment
from retrieval.core.collection import Collection
from retrieval.core.models import Article, Quote, quote_of
from retrieval.core.store import whole_second
from retrieval.language.messages import _ as gettext
from retrieval.text.headlines import quotable

Clock = Callable[[], datetime]

MAX_STORIES = 10
SECTION_THRESHOLD = 0.45  # cosine between stories for them to share a heading
DEFAULT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class BriefStory:
    """One story: its first article, the sentences that summarise it, every outlet's link."""

    article: Article
    quotes: tuple[Quote, ...]
    links: tuple[StoryLink, ...]
    outlets: tuple[str, ...]
    article_ids: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class Section:
    """Related stories under the phrase they share; None heads a briefing with no such group."""

    heading: str | None
    stories: tuple[BriefStory, ...]


@dataclass(frozen=True)
class Briefing:
    """The stories that are news in [since, until), most important first, grouped into sections."""

    since: datetime
    until: datetime
    sections: tuple[Section, ...]
    total_stories: int

    @property
    def article_ids(self) -> frozenset[int]:
        """Every article of the stories shown, for follow-up questions about them."""
        return frozenset(
            i for section in self.sections for story in section.stories for i in story.article_ids
        )

    @property
    def stories(self) -> list[BriefStory]:
        """The stories shown, in order."""
        return [story for section in self.sections for story in section.stories]


def parse_window(text: str) -> timedelta:
    """A window like "24h", "7d" or "2w"."""
    text = text.strip().lower()
    units = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise ValueError(gettext("give a window such as 24h, 7d or 2w"))
    window = int(text[:-1]) * units[text[-1]]
    if not timedelta(hours=1) <= window <= timedelta(days=366):
        raise ValueError(gettext("a window runs from 1h to 366d"))
    return window


class Briefer:
    """Builds briefings over a collection, for a chat or for anyone."""

    def __init__(self, collection: Collection, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self.collection = collection
        self.briefings = open_briefings(collection.store)
        self.alerts = open_alerts(collection.store)
        self.clock = clock

    def since_last(self, chat_id: int | None) -> datetime:
        """Where a chat's next briefing starts: its last briefing's end, at most a week back."""
        now = self.clock()
        last = self.briefings.last(chat_id) if chat_id is not None else None
        return max(last.until, now - DEFAULT_WINDOW) if last else now - DEFAULT_WINDOW

    def build(
        self, since: datetime, until: datetime | None = None, chat_id: int | None = None
    ) -> Briefing:
        """The briefing of what is news in [since, until) (see news_moment), ranked for a chat."""
        until = whole_second(until or self.clock())
        candidates = self.briefings.heads(since.astimezone(UTC), until.astimezone(UTC))
        moments = {
            head.id: when
            for head in candidates
            if (when := news_moment(head, since, until)) is not None
        }
        heads = [head for head in candidates if head.id in moments]
        if not heads:
            return Briefing(since, until, (), 0)
        ids = [head.id for head in heads]
        vectors = self.collection.store.article_vectors(ids, self.collection.embedder.name)
        groups = self._group(heads, vectors)
        interest = self._interest(chat_id, groups, vectors)
        scored = sorted(
            (
                (
                    _score(members, moments, since, until) + interest.get(story_id, 0.0),
                    story_id,
                    members,
                )
                for story_id, members in groups.items()
            ),
            key=lambda entry: (-entry[0], -entry[1]),
        )
        chosen = scored[:MAX_STORIES]
        articles = self.collection.store.articles(members[0].id for _, _, members in chosen)
        stories = [
            self._story(articles[members[0].id], members, score)
            for score, _, members in chosen
            if members[0].id in articles
        ]
        sections = self._sections(stories, vectors, [head.title for head in heads])
        return Briefing(since, until, tuple(sections), len(groups))

    def _group(
        self, heads: list[ArticleHead], vectors: dict[int, np.ndarray]
    ) -> dict[int, list[ArticleHead]]:
        """Articles grouped into stories: by the stories table, else by near-identical meaning."""
        known = self.briefings.stories([head.id for head in heads])
        index = StoryIndex([], [], room=len(heads))
        groups: dict[int, list[ArticleHead]] = {}
        for head in heads:
            vector = vectors.get(head.id)
            story = known[head.id]
            if story == head.id and vector is not None:
                story = index.find(vector) or head.id
            if vector is not None:
                index.add(story, vector)
            groups.setdefault(story, []).append(head)
        return groups

    def _interest(
        self,
        chat_id: int | None,
        groups: dict[int, list[ArticleHead]],
        vectors: dict[int, np.ndarray],
    ) -> dict[int, float]:
        """A bonus up to 2 for stories close to the chat's topics, relative to the other stories."""
        chats = self.alerts.subscriptions(chat_id) if chat_id is not None else []
        # A topic embedded by another model variant counts once alerts have re-embedded it.
        subscriptions = [s for s in chats if s.model == self.collection.embedder.name]
        if not subscriptions:
            return {}
        topics = np.stack([s.vector for s in subscriptions])
        closeness = {
            story: float(np.max(topics @ vectors[members[0].id]))
            for story, members in groups.items()
            if members[0].id in vectors and len(vectors[members[0].id]) == topics.shape[1]
        }
        if not closeness:
            return {}
        low, high = min(closeness.values()), max(closeness.values())
        return {
            story: 2.0 * (value - low) / max(high - low, 1e-9) for story, value in closeness.items()
        }

    def _story(self, article: Article, members: list[ArticleHead], score: float) -> BriefStory:
        """A story with its most central sentences quoted (closest to the article's meaning)."""
        spans, sentence_vectors = self.alerts.sentence_vectors(
            article.id, self.collection.embedder.name
        )
        rows: list[int] = []
        if spans:
            rows = key_sentences(
                sentence_vectors.mean(axis=0),
                sentence_vectors,
                [quotable(article.text, span, article.title) for span in spans],
                n=2 if len(spans) >= 4 else 1,
            )
        quotes = tuple(quote_of(article, *spans[row]) for row in rows)
        links = tuple(self.alerts.links([member.id for member in members]))
        outlets = tuple(dict.fromkeys(m.source for m in members if m.source))
        return BriefStory(
            article, quotes, links, outlets, tuple(m.id for m in members), round(score, 3)
        )

    @staticmethod
    def _sections(
        stories: Sequence[BriefStory], vectors: dict[int, np.ndarray], titles: list[str]
    ) -> list[Section]:
        """Stories clustered greedily by meaning; a cluster is headed by the phrase it shares.

        `titles` are all the window's titles, against which a phrase's rarity is measured.
        """
        clusters: list[tuple[np.ndarray | None, list[BriefStory]]] = []
        for story in stories:
            vector = vectors.get(story.article.id)
            scores = [
                float(centre @ vector) if centre is not None and vector is not None else -1.0
                for centre, _ in clusters
            ]
            if not scores or max(scores) < SECTION_THRESHOLD or vector is None:
                clusters.append((vector, [story]))
                continue
            best = int(np.argmax(scores))
            centre, members = clusters[best]
            members.append(story)
            mean = (centre if centre is not None else 0) * (len(members) - 1) + vector
            clusters[best] = (mean / max(float(np.linalg.norm(mean)), 1e-12), members)
        common = background(titles)
        sections: list[Section] = []
        others: list[BriefStory] = []
        for _, members in clusters:
            name = None
            if len(members) > 1:
                name = heading(
                    [story.article.title for story in members],
                    [story.article.text for story in members],
                    common,
                    len(titles),
                )
            if name is None:
                others.extend(members)
            else:
                sections.append(Section(name, tuple(members)))
        if others:  # stories sharing no phrase with another: under one heading, or none at all
            sections.append(Section(OTHERS if sections else None, tuple(others)))
        return sections


def _score(
    members: list[ArticleHead], moments: dict[int, datetime], since: datetime, until: datetime
) -> float:
    """Importance before the chat's interests: outlets telling the story, and how recent it is."""
    outlets = len({m.source or f"#{m.id}" for m in members})
    newest = max(moments[m.id] for m in members)
    span = max((until - since).total_seconds(), 1.0)
    recency = 1.0 - min(max((until - newest).total_seconds() / span, 0.0), 1.0)
    return math.log2(1 + outlets) + recency
