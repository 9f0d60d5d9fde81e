"""Store articles: dedupe, cut into sentences and chunks, embed in batches, write one by one.

Each article's language is detected from its text. The model reads English, so the sentences of
a Spanish article are embedded through their Apertium translation: each vector is kept on the
Spanish sentence, and quotes stay verbatim Spanish.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from retrieval.core.article_store import ArticleStore
from retrieval.core.embeddings import Embedder
from retrieval.core.questions import MODEL_LANGUAGE
from retrieval.core.store import ArticleWrite, DuplicateArticle
from retrieval.language.detection import detect, language_of
from retrieval.language.messages import _
from retrieval.language.translation import Apertium, TranslationError
from retrieval.text.chunking import ChunkPlan, plan_chunks
from retrieval.text.raw import Failure, RawArticle

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    reembedded: int = 0  # stored articles whose vectors another model variant had made
    failures: list[Failure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line for people: added, updated, skipped, failed (and re-embedded, if any)."""
        line = _("%(added)d added, %(updated)d updated, %(skipped)d skipped, %(failed)d failed") % {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": len(self.failures),
        }
        if self.reembedded:
            line += ", " + _("%(count)d re-embedded") % {"count": self.reembedded}
        return line


@dataclass(frozen=True)
class _Pending:
    """An article planned and waiting for its sentence vectors."""

    raw: RawArticle
    content_hash: str
    replace: int | None
    plan: ChunkPlan

    @property
    def sentences(self) -> list[str]:
        """The texts of the article's sentences."""
        return [self.raw.text[a:b] for a, b in self.plan.sentences]

    @property
    def name(self) -> str:
        """How people know the article: its link, file or title."""
        return self.raw.url or self.raw.origin or self.raw.title


def content_hash(raw: RawArticle) -> str:
    """A hash of the title and text, insensitive to runs of white space."""
    normal = " ".join(raw.title.split()) + "\n" + " ".join(raw.text.split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def chunk_vectors(plan: ChunkPlan, sentence_vectors: np.ndarray) -> np.ndarray:
    """Each chunk's vector: the normalised mean of its sentences' vectors."""
    if not plan.chunks:
        return np.zeros((0, sentence_vectors.shape[1]), dtype=np.float32)
    means = np.stack([sentence_vectors[first:last].mean(axis=0) for first, last in plan.chunks])
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.maximum(norms, 1e-12)).astype(np.float32)


class Ingestor:
    """Writes articles to a store, embedding the sentences of many articles per model call."""

    def __init__(
        self,
        store: ArticleStore,
        embedder: Embedder,
        translator: Apertium | None = None,
        batch_sentences: int = 512,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.translator = translator or Apertium()
        self.batch_sentences = batch_sentences

    def ingest(
        self,
        items: Iterable[RawArticle | Failure],
        on_item: Callable[[], None] | None = None,
    ) -> IngestReport:
        """Store every article, report every failure, and say what happened.

        `on_item` is called once per item when it is done: stored, skipped or failed.
        """
        report = IngestReport()
        done = on_item or (lambda: None)
        batch: list[_Pending] = []
        seen: set[str] = set()
        for item in items:
            if isinstance(item, Failure):
                log.info("cannot ingest %s: %s", item.name, item.reason)  # the caller reports it
                report.failures.append(item)
                done()
                continue
            pending = self._plan(item, seen)
            if pending is None:
                report.skipped += 1
                done()
                continue
            batch.append(pending)
            if sum(len(p.plan.sentences) for p in batch) >= self.batch_sentences:
                self._flush(batch, report, done)
                batch = []
        self._flush(batch, report, done)
        return report

    def _plan(self, raw: RawArticle, seen: set[str]) -> _Pending | None:
        """Decide whether an article is new, changed or already stored; plan its chunks."""
        digest = content_hash(raw)
        identity = raw.url or raw.origin or digest
        if identity in seen or digest in seen:
            return None
        stored = self.store.find_key(url=raw.url, origin=None if raw.url else raw.origin)
        if stored and stored.content_hash == digest:
            return None
        if stored is None and self.store.find_key(content_hash=digest):
            return None
        seen.update({identity, digest})
        language = detect(f"{raw.title}\n{raw.text}", hint=language_of(raw.language))
        raw = replace(raw, language=language)
        plan = plan_chunks(
            raw.text, self.embedder.count_tokens, self.embedder.max_tokens, language=language
        )
        return _Pending(raw, digest, stored.id if stored else None, plan)

    def _flush(self, batch: list[_Pending], report: IngestReport, done: Callable[[], None]) -> None:
        """Embed the batch in one model call, then write each article in its own transaction."""
        readable = self._readable(batch, report, done)
        if not readable:
            return
        vectors = self.embedder.embed([text for _pending, texts in readable for text in texts])
        offset = 0
        for pending, _texts in readable:
            count = len(pending.plan.sentences)
            sentence_vectors = vectors[offset : offset + count]
            offset += count
            try:
                article_id = self.store.write_article(
                    ArticleWrite(
                        raw=pending.raw,
                        content_hash=pending.content_hash,
                        chunks=pending.plan.chunk_spans(),
                        sentences=pending.plan.sentences,
                        chunk_vectors=chunk_vectors(pending.plan, sentence_vectors),
                        sentence_vectors=sentence_vectors,
                        model=self.embedder.name,
                    ),
                    replace=pending.replace,
                )
            except DuplicateArticle:  # another process stored it meanwhile
                report.skipped += 1
                done()
                continue
            report.article_ids.append(article_id)
            if pending.replace is None:
                report.added += 1
            else:
                report.updated += 1
            done()

    def _readable(
        self, batch: list[_Pending], report: IngestReport, done: Callable[[], None]
    ) -> list[tuple[_Pending, list[str]]]:
        """Each article with its sentences as the model reads them: in English, translated if
        need be (one Apertium call per language); an article that cannot be translated is
        reported as a failure and left out."""
        model_texts = {id(p): p.sentences for p in batch}
        for language in {p.raw.language or MODEL_LANGUAGE for p in batch} - {MODEL_LANGUAGE}:
            foreign = [p for p in batch if p.raw.language == language]
            try:
                translated = self.translator.translate(
                    [text for p in foreign for text in p.sentences],
                    language,  # type: ignore[arg-type]
                    MODEL_LANGUAGE,
                )
            except TranslationError as error:
                for pending in foreign:
                    log.info("cannot ingest %s: %s", pending.name, error)  # the caller reports it
                    reason = _("cannot translate it: %(error)s") % {"error": error}
                    report.failures.append(Failure(pending.name, reason))
                    del model_texts[id(pending)]
                    done()
                continue
            offset = 0
            for pending in foreign:
                count = len(pending.plan.sentences)
                model_texts[id(pending)] = translated[offset : offset + count]
                offset += count
        return [(p, model_texts[id(p)]) for p in batch if id(p) in model_texts]
