"""The words of a collection: its articles' languages, and the terms its keyword index holds."""

from collections.abc import Sequence

from retrieval.core.store import Store, marks


class Lexicon:
    """What the stored articles are written in, and the indexed terms, in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # The indexed words (porter stems) with their chunk counts, read straight from FTS5.
        store.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocabulary "
            "USING fts5vocab(main, chunks_fts, 'row')"
        )

    def languages(self) -> frozenset[str]:
        """The languages the stored articles are written in (unmarked ones count as English)."""
        rows = self.store.rows("SELECT DISTINCT coalesce(language, 'en') FROM articles")
        return frozenset(row[0] for row in rows)

    def known_terms(self, terms: Sequence[str]) -> set[str]:
        """Which of the (stemmed) terms the keyword index holds."""
        sql = f"SELECT term FROM chunks_vocabulary WHERE term IN ({marks(terms)})"
        return {row[0] for row in self.store.rows(sql, list(terms))} if terms else set()

    def terms_starting(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Indexed terms beginning with a prefix, with the number of chunks holding each."""
        sql = "SELECT term, doc FROM chunks_vocabulary WHERE term >= ? AND term < ? LIMIT ?"
        return [
            (term, int(doc))
            for term, doc in self.store.rows(sql, [prefix, prefix + "\uffff", limit])
        ]
