"""Re-embed articles whose vectors another model variant made, so variants never mix."""

import logging
from collections.abc import Iterable

from retrieval.core.embeddings import Embedder
from retrieval.core.ingest import chunk_vectors
from retrieval.core.postgres import PostgresStore
from retrieval.core.postgres_variants import PostgresVariantStore
from retrieval.core.questions import MODEL_LANGUAGE
from retrieval.core.store import ArticleNotFound, Store
from retrieval.core.variant_store import StoredParts, VariantStore
from retrieval.language.translation import Apertium, TranslationError
from retrieval.text.chunking import ChunkPlan
from retrieval.text.sentences import Span

log = logging.getLogger(__name__)


def sentence_ranges(sentences: list[Span], chunks: list[Span]) -> tuple[tuple[int, int], ...]:
    """Each chunk as the half-open range of the sentence indexes inside it."""
    ranges = []
    for start, end in chunks:
        inside = [n for n, (a, b) in enumerate(sentences) if a >= start and b <= end]
        ranges.append((inside[0], inside[-1] + 1) if inside else (0, 0))
    return tuple(ranges)


class Reembedder:
    """Gives stale articles new vectors from the current embedder, many articles per model call.

    Sentences and chunks keep their ids and spans (the tokenizer is the same in every variant);
    only the vectors and the variant recorded with them change. The sentences of an article in
    another language are embedded through their translation, as at ingest.
    """

    def __init__(
        self,
        store: Store | PostgresStore,
        embedder: Embedder,
        translator: Apertium | None = None,
        batch_sentences: int = 512,
    ) -> None:
        self.variants: VariantStore | PostgresVariantStore = (
            PostgresVariantStore(store) if isinstance(store, PostgresStore) else VariantStore(store)
        )
        self.embedder = embedder
        self.translator = translator or Apertium()
        self.batch_sentences = batch_sentences

    def stale(self) -> list[int]:
        """Ids of the articles holding vectors of another variant."""
        return self.variants.stale_articles(self.embedder.name)

    def run(self, article_ids: Iterable[int]) -> int:
        """Re-embed the articles; returns how many were re-embedded."""
        done = 0
        batch: list[tuple[int, StoredParts]] = []
        for article_id in article_ids:
            try:
                batch.append((article_id, self.variants.article_parts(article_id)))
            except ArticleNotFound:  # removed meanwhile
                continue
            if sum(len(parts.sentences) for _, parts in batch) >= self.batch_sentences:
                done += self._flush(batch)
                batch = []
        return done + self._flush(batch)

    def _model_texts(self, parts: StoredParts) -> list[str]:
        """An article's sentences as the model reads them: in English, translated if need be
        (left as they are, and logged, when Apertium cannot translate)."""
        sentences = [parts.text[a:b] for a, b in parts.sentences]
        if parts.language in (None, MODEL_LANGUAGE):
            return sentences
        try:
            return self.translator.translate(sentences, parts.language, MODEL_LANGUAGE)  # type: ignore[arg-type]
        except TranslationError as error:
            log.warning("re-embedding untranslated: %s", error)
            return sentences

    def _flush(self, batch: list[tuple[int, StoredParts]]) -> int:
        """Embed the batch's sentences in one call, then write each article's vectors."""
        if not batch:
            return 0
        texts: list[str] = []
        for _article_id, parts in batch:
            texts += self._model_texts(parts)
        vectors = self.embedder.embed(texts)
        offset, done = 0, 0
        for article_id, parts in batch:
            sentence_vectors = vectors[offset : offset + len(parts.sentences)]
            offset += len(parts.sentences)
            plan = ChunkPlan(tuple(parts.sentences), sentence_ranges(parts.sentences, parts.chunks))
            written = self.variants.replace_vectors(
                article_id,
                parts,
                sentence_vectors,
                chunk_vectors(plan, sentence_vectors),
                self.embedder.name,
            )
            if written:
                done += 1
            else:
                log.info(
                    "article %d changed while being re-embedded; left to its update", article_id
                )
        return done
