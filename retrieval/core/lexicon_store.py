"""The words of a collection: its articles' languages, and the terms its keyword index holds."""

from collections.abc import Callable, Sequence

from retrieval.core.keyword import Vocabulary
from retrieval.core.vocabulary import Readable


class Lexicon:
    """What the stored articles are written in, and the indexed terms, in one store."""

    def __init__(self, store: Readable, vocabulary: Callable[[], Vocabulary]) -> None:
        self.store = store
        self.vocabulary = vocabulary  # the keyword index's terms (porter stems), as they are now

    def languages(self) -> frozenset[str]:
        """The languages the stored articles are written in (unmarked ones count as English)."""
        rows = self.store.rows("SELECT DISTINCT coalesce(language, 'en') FROM articles")
        return frozenset(row[0] for row in rows)

    def known_terms(self, terms: Sequence[str]) -> set[str]:
        """Which of the (stemmed) terms the keyword index holds."""
        vocabulary = self.vocabulary()
        return {term for term in terms if term in vocabulary}

    def terms_starting(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Indexed terms beginning with a prefix, with the number of chunks holding each."""
        return self.vocabulary().starting(prefix, limit)
