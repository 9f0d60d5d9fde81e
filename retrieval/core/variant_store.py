"""The SQL for vectors made by another model variant: finding them and replacing them."""

from dataclasses import dataclass

import numpy as np

from retrieval.core.store import ArticleNotFound, Store
from retrieval.text.sentences import Span

# Range searches on the model indexes, one per side: when nothing is stale they read nothing
# (0.1 ms on SQuAD's 11k sentences, where one "model != ?" scan read every row: 62 ms).
STALE_SQL = (
    "SELECT article_id FROM sentences WHERE model < ? "
    "UNION SELECT article_id FROM sentences WHERE model > ? "
    "UNION SELECT article_id FROM sentences WHERE model IS NULL "
    "UNION SELECT c.article_id FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
    "WHERE e.model < ? "
    "UNION SELECT c.article_id FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
    "WHERE e.model > ?"
)


@dataclass(frozen=True)
class StoredParts:
    """An article's text with its stored sentence and chunk spans, in order, for re-embedding."""

    text: str
    content_hash: str
    sentences: list[Span]
    chunks: list[Span]
    language: str | None = None


class VariantStore:
    """Which articles carry vectors of another variant, and their new vectors, in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def stale_articles(self, model: str) -> list[int]:
        """Ids of the articles with any sentence or chunk vector not made by `model`."""
        rows = self.store.rows(STALE_SQL, [model] * 4)
        return sorted(row[0] for row in rows)

    def article_parts(self, article_id: int) -> StoredParts:
        """An article's text, content hash, sentence spans and chunk spans."""
        rows = self.store.rows(
            "SELECT text, content_hash, language FROM articles WHERE id = ?", [article_id]
        )
        if not rows:
            raise ArticleNotFound(article_id)
        sentences = self.store.rows(
            'SELECT start, "end" FROM sentences WHERE article_id = ? ORDER BY ord', [article_id]
        )
        chunks = self.store.rows(
            'SELECT start, "end" FROM chunks WHERE article_id = ? ORDER BY ord', [article_id]
        )
        text, content_hash, language = rows[0]
        return StoredParts(
            text,
            content_hash,
            [(a, b) for a, b in sentences],
            [(a, b) for a, b in chunks],
            language,
        )

    def replace_vectors(
        self,
        article_id: int,
        parts: StoredParts,
        sentence_vectors: np.ndarray,
        chunk_vectors: np.ndarray,
        model: str,
    ) -> bool:
        """Give an article's sentences and chunks new vectors made by `model`, in one transaction.

        Returns False, writing nothing, if the article changed or went since `parts` were read.
        """
        with self.store.transaction() as db:
            found = db.execute(
                "SELECT content_hash FROM articles WHERE id = ?", [article_id]
            ).fetchall()
            if found != [(parts.content_hash,)]:
                return False
            db.conn.executemany(
                "UPDATE sentences SET vector = ?, model = ? WHERE article_id = ? AND ord = ?",
                [
                    (_blob(vector), model, article_id, order)
                    for order, vector in enumerate(sentence_vectors)
                ],
            )
            db.conn.executemany(
                "UPDATE embeddings SET vector = ?, model = ? "
                "WHERE chunk_id = (SELECT id FROM chunks WHERE article_id = ? AND ord = ?)",
                [
                    (_blob(vector), model, article_id, order)
                    for order, vector in enumerate(chunk_vectors)
                ],
            )
            db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        return True


def _blob(vector: np.ndarray) -> bytes:
    """Serialise a vector as little-endian float32 bytes."""
    return np.asarray(vector, dtype="<f4").tobytes()
