"""The SQL for vectors made by another model variant, in PostgreSQL: finding and replacing them."""

import numpy as np

from retrieval.core.postgres import PostgresStore
from retrieval.core.store import ArticleNotFound
from retrieval.core.variant_store import STALE_SQL, StoredParts


class PostgresVariantStore:
    """Which articles carry vectors of another variant, and their new vectors, in PostgreSQL."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def stale_articles(self, model: str) -> list[int]:
        """Ids of the articles with any sentence or chunk vector not made by `model`."""
        rows = self.store.rows(STALE_SQL.replace("?", "%s"), [model] * 4)
        return sorted(row[0] for row in rows)

    def article_parts(self, article_id: int) -> StoredParts:
        """An article's text, content hash, sentence spans and chunk spans."""
        rows = self.store.rows(
            "SELECT text, content_hash, language FROM articles WHERE id = %s", [article_id]
        )
        if not rows:
            raise ArticleNotFound(article_id)
        sentences = self.store.rows(
            'SELECT start, "end" FROM sentences WHERE article_id = %s ORDER BY ord', [article_id]
        )
        chunks = self.store.rows(
            'SELECT start, "end" FROM chunks WHERE article_id = %s ORDER BY ord', [article_id]
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
        with self.store.transaction() as conn:
            found = conn.execute(
                "SELECT content_hash FROM articles WHERE id = %s FOR UPDATE", [article_id]
            ).fetchall()
            if found != [(parts.content_hash,)]:
                return False
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE sentences SET vector = %s, model = %s WHERE article_id = %s "
                    "AND ord = %s",
                    [
                        (np.asarray(vector, "<f4").tobytes(), model, article_id, order)
                        for order, vector in enumerate(sentence_vectors)
                    ],
                )
                cursor.executemany(
                    "UPDATE embeddings SET vector = %s, model = %s WHERE chunk_id = "
                    "(SELECT id FROM chunks WHERE article_id = %s AND ord = %s)",
                    [
                        (np.asarray(vector, np.float32), model, article_id, order)
                        for order, vector in enumerate(chunk_vectors)
                    ],
                )
            conn.execute(
                "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'"
            )
        return True
