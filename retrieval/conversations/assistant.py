"""Conversations over a collection: follow-ups, answers remembered per chat, more sources, votes."""

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from retrieval.conversations.batching import EmbeddingBatcher
from retrieval.conversations.examples import example_questions
from retrieval.conversations.followup import FollowUps, looks_like_followup
from retrieval.conversations.store import ChatSettings, StoredAnswer, open_conversations
from retrieval.core.collection import Collection, Summary
from retrieval.core.models import Answer, Quote
from retrieval.core.store import Filters
from retrieval.language.detection import Language
from retrieval.language.translation import TranslationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """An answer to a message in a chat, as remembered: its id and the query actually searched."""

    answer_id: int
    answer: Answer
    query: str
    followup: bool
    scoped: bool = False

    @property
    def read_as(self) -> str | None:
        """The whole question a follow-up was read as, to show above the answer."""
        return self.query if self.followup else None


@dataclass(frozen=True)
class Page:
    """The next sources of an earlier answer, numbered after those already shown."""

    answer: StoredAnswer
    quotes: tuple[Quote, ...]
    first_number: int
    translations: tuple[str | None, ...] = ()  # by machine, of quotes in another language
    last: bool = False  # no quotes after these answer the question


@dataclass(frozen=True)
class Votes:
    """The 👍 and 👎 on an answer, and the vote that counts for one person (+1, -1 or 0)."""

    up: int = 0
    down: int = 0
    mine: int = 0


@dataclass(frozen=True)
class Overview:
    """What the collection holds and two questions it can answer."""

    summary: Summary
    examples: list[str]


class Assistant:
    """Answers people in chats, reading short follow-ups in the context of their last question."""

    def __init__(
        self,
        collection: Collection,
        followup_window: timedelta = timedelta(minutes=10),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.collection = collection
        self.batcher = EmbeddingBatcher(collection.embedder)
        self.followups = FollowUps(self.batcher.embed_all)
        self.conversations = open_conversations(collection.store)
        self.followup_window = followup_window
        self.clock = clock
        self._overview: tuple[int, Overview] | None = None
        self._overview_lock = threading.Lock()

    def ask(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        replied_to: int | None = None,
        within: frozenset[int] | None = None,
        language: Language | None = None,
    ) -> Reply:
        """Answer a message, read with the question it follows up if it follows one up.

        A reply to one of the bot's answers follows that answer's question, whoever replies; a
        short elliptical message soon after one's own question follows that question. With
        `within` (a briefing's articles, say) the answer comes from those articles only, and
        the message is read on its own. `language` is the asker's: it decides for messages too
        short to tell their language.
        """
        previous = None if within is not None else self._context(chat_id, user_id, text, replied_to)
        query = self.followups.resolve(previous.query, text) if previous else text.strip()
        filters = Filters(article_ids=within) if within is not None else Filters()
        read = self.collection.read(query, language)
        answer = self.collection.ask(read, filters, vector=self.batcher.embed(read.model_text))
        answer_id = self.conversations.record_answer(chat_id, user_id, text.strip(), query, answer)
        return Reply(
            answer_id, answer, query, followup=previous is not None, scoped=within is not None
        )

    def _context(
        self, chat_id: int, user_id: int, text: str, replied_to: int | None
    ) -> StoredAnswer | None:
        """The earlier answer a message follows up, if it follows one up."""
        if replied_to is not None:
            earlier = self.conversations.answer_for_message(chat_id, replied_to)
            if earlier and looks_like_followup(text, replying=True):
                return earlier
            return None
        last = self.conversations.last_answer(chat_id, user_id)
        if last and self.clock() - last.asked_at <= self.followup_window:
            return last if looks_like_followup(text) else None
        return None

    def delivered(self, answer_id: int, chat_id: int, message_ids: list[int]) -> None:
        """Remember the messages that carried an answer, so replies to them are follow-ups."""
        self.conversations.attach_messages(answer_id, chat_id, message_ids)

    def more(self, answer_id: int, chat_id: int, language: Language | None = None) -> Page | None:
        """The next sources of an answer in this chat while they still answer it, or None.

        An empty page means no further quote answers the question. `language` is the asker's,
        for questions too short to tell theirs.
        """
        stored = self.conversations.answer(answer_id)
        if stored is None or stored.chat_id != chat_id:
            return None
        first = len(stored.sources) + 1
        if stored.abstained:
            return Page(stored, (), first, last=True)
        shown = {(q.article_id, q.start) for q in stored.sources}
        read = self.collection.read(stored.query, language)
        found = self.collection.more(read, shown)
        self.conversations.add_sources(answer_id, found.quotes)
        translations = self.translations(found.quotes, read.language)
        return Page(stored, found.quotes, first, translations, last=found.last)

    def translations(self, quotes: Sequence[Quote], language: Language) -> tuple[str | None, ...]:
        """Machine translations into `language` of the quotes written in another (None for the
        others, and for all when Apertium cannot translate)."""
        foreign = [q for q in quotes if (q.language or "en") != language]
        texts: dict[int, str] = {}
        try:
            for source in {q.language or "en" for q in foreign}:
                same = [q for q in foreign if (q.language or "en") == source]
                found = self.collection.translate([q.text for q in same], source, language)
                texts.update(zip((id(q) for q in same), found, strict=True))
        except TranslationError as error:
            log.warning("quotes left untranslated: %s", error)
            return tuple(None for _q in quotes)
        return tuple(texts.get(id(q)) for q in quotes)

    def vote(self, answer_id: int, chat_id: int, user_id: int, vote: int) -> Votes | None:
        """Give, change or (pressed again) take back a 👍 (+1) or 👎 (-1); the votes after it.

        None if the answer is not one given in this chat.
        """
        stored = self.conversations.answer(answer_id)
        if stored is None or stored.chat_id != chat_id:
            return None
        vote = 1 if vote > 0 else -1
        if self.votes(answer_id, user_id).mine == vote:
            self.conversations.withdraw_feedback(answer_id, user_id)
        else:
            self.conversations.record_feedback(stored, user_id, vote)
        return self.votes(answer_id, user_id)

    def votes(self, answer_id: int, user_id: int) -> Votes:
        """The 👍 and 👎 on an answer, and which of them is this person's."""
        given = self.conversations.feedback(answer_id)
        mine = next((f.vote for f in given if f.user_id == user_id), 0)
        return Votes(sum(f.vote > 0 for f in given), sum(f.vote < 0 for f in given), mine)

    def last_answer(self, chat_id: int) -> StoredAnswer | None:
        """The latest answer given in a chat, with all the sources shown for it."""
        return self.conversations.last_answer(chat_id)

    def chat_settings(self, chat_id: int) -> ChatSettings:
        """A chat's settings."""
        return self.conversations.chat_settings(chat_id)

    def set_link_previews(self, chat_id: int, enabled: bool) -> ChatSettings:
        """Turn link previews on or off in a chat."""
        return self.conversations.change_chat_settings(chat_id, link_previews=enabled)

    def set_language(self, chat_id: int, language: Language | None) -> ChatSettings:
        """Speak one language in a chat, or (None) each person's own."""
        return self.conversations.change_chat_settings(chat_id, language=language)

    def set_translations(self, chat_id: int, enabled: bool) -> ChatSettings:
        """Show machine translations of quotes in another language, or not."""
        return self.conversations.change_chat_settings(chat_id, translations=enabled)

    def adopt_language(self, chat_id: int, language: Language) -> None:
        """Speak `language` in a chat from now on unless the chat chose one: messages sent
        unprompted (alerts, scheduled briefings) go out in the language they were set up in."""
        if self.chat_settings(chat_id).language is None:
            self.set_language(chat_id, language)

    def overview(self) -> Overview:
        """The collection's summary and two example questions, recomputed when articles change."""
        generation = self.collection.store.generation()
        with self._overview_lock:
            if self._overview is None or self._overview[0] != generation:
                articles = self.collection.store.newest_articles(20)
                examples = example_questions(articles, self.collection.ask)
                self._overview = (generation, Overview(self.collection.summary(), examples))
            return self._overview[1]
