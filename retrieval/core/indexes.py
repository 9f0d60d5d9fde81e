"""A store's search indexes in memory, kept in step with the store's chunk change log.

Every write to chunks or their vectors leaves an entry in the log (database triggers), whichever
process made it. Before each search the indexes read the log past the last entry they applied
and update only the chunks it names: new articles are searchable at once, in every process.
`checkpoint` (after an ingest) merges segments and saves the indexes beside the database, so the
next process maps them from disk instead of rebuilding them.
"""

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.core.article_store import ArticleStore
from retrieval.core.keyword import KeywordIndex
from retrieval.core.models import ChunkText
from retrieval.core.segments import ChunkTerms
from retrieval.core.snapshots import Snapshot, SnapshotFolder
from retrieval.core.vectors import VectorIndex
from retrieval.text.analysis import analyzer_for

log = logging.getLogger(__name__)

BUILD_BATCH = 20_000  # chunks read and indexed at once when building from the store
BUILD_COMPACT = 200_000  # while building, write segments to disk every so many chunks
SAVE_BUILT = 5_000  # a build of at least this many chunks is saved at once
ADOPT_AFTER = 20_000  # more changed chunks than this: take a newer saved snapshot if there is one


def index_folder(database: Path) -> Path:
    """Where the search indexes of a database file are saved: beside it."""
    return database.with_name(database.name + "-index")


def analyse(chunk: ChunkText) -> ChunkTerms:
    """A chunk's title and text analysed by its article's language's analyzer."""
    analyzer = analyzer_for(chunk.language)
    analysed = analyzer.document(chunk.title + "\n" + chunk.text)
    return ChunkTerms(chunk.chunk_id, chunk.article_id, analyzer.language, analysed)


class ChunkIndexes:
    """The keyword and vector indexes of one store and embedding model, following its log."""

    def __init__(
        self,
        store: ArticleStore,
        model: str,
        dimension: int,
        folder: Path | None,
        with_vectors: bool = True,
    ) -> None:
        """`with_vectors` False: dense search runs elsewhere (pgvector), only keywords are kept."""
        self.store = store
        self.with_vectors = with_vectors
        self.model = model
        self.dimension = dimension
        self.keyword = KeywordIndex()
        self.vectors = VectorIndex(dimension)
        self._folder = SnapshotFolder(folder, store.index_key(), model) if folder else None
        self._lock = threading.RLock()
        self._through: int | None = None  # the last log entry applied; None: nothing loaded
        self._snapshot: Snapshot | None = None  # the saved snapshot this state descends from
        self._unsaved = False  # changes applied since the last save or load

    def refresh(self) -> None:
        """Apply the store's changes since the last refresh (load or build the indexes first)."""
        if self._through is not None and self.store.last_change() == self._through:
            return
        with self._lock:
            if self._through is None:
                self._open()
            assert self._through is not None
            through, touched = self.store.changed_chunks(self._through)
            if len(touched) > ADOPT_AFTER and self._adopt_newer():
                through, touched = self.store.changed_chunks(self._through)
            self._apply(touched)
            self._through = through

    def checkpoint(self) -> None:
        """Merge segments, move to the graph if the collection grew, and save beside the store."""
        with self._lock:
            self.refresh()
            settled = self.vectors.settle()
            if self._folder is None or not (self._unsaved or settled):
                return
            with self._folder.writing() as folder:
                if folder is None:  # another process is saving right now
                    return
                latest = folder.latest()
                if latest is not None and latest != self._snapshot and self._loads(latest):
                    self.refresh()  # continue from the newest saved state, not beside it
                    self.vectors.settle()
                assert self._through is not None
                self._snapshot = folder.save(
                    self.keyword, self.vectors, self._through, self._snapshot
                )
                self._unsaved = False

    def _open(self) -> None:
        """Load the newest saved snapshot, or build the indexes from the store."""
        latest = self._folder.latest() if self._folder else None
        if latest is not None and self._loads(latest):
            return
        self._build()
        if len(self.keyword) >= SAVE_BUILT:
            self.checkpoint()  # so that the next process maps it instead of building again

    def _adopt_newer(self) -> bool:
        """Load a saved snapshot newer than this state, if one exists; say if so."""
        latest = self._folder.latest() if self._folder else None
        if latest is None or self._through is None or latest.through <= self._through:
            return False
        return self._loads(latest)

    def _loads(self, snapshot: Snapshot) -> bool:
        """Load a saved snapshot; say whether it could be (a damaged one is left for a rebuild)."""
        try:
            self._load(snapshot)
        except (OSError, ValueError) as error:
            log.warning("the saved search indexes cannot be read (%s): building them again", error)
            return False
        return True

    def _load(self, snapshot: Snapshot) -> None:
        """Replace the in-memory indexes with a saved snapshot (without a graph: vectors read)."""
        assert self._folder is not None
        keyword, vectors = self._folder.load(snapshot, self.dimension)
        if vectors is None:
            vectors = VectorIndex(self.dimension)
            after = 0
            while ids := self.store.chunk_ids(after, BUILD_BATCH):
                vectors.update(np.zeros(0, np.int64), *self.store.chunk_vectors(self.model, ids))
                after = ids[-1]
        self.keyword, self.vectors = keyword, vectors
        self._through, self._snapshot, self._unsaved = snapshot.applied, snapshot, False

    def _build(self) -> None:
        """Index every stored chunk, in batches; saved at once so other processes need not."""
        self.keyword, self.vectors = KeywordIndex(), VectorIndex(self.dimension)
        self._through = self.store.last_change()  # later writes are applied by refresh()
        after, done, pending = 0, 0, 0
        while ids := self.store.chunk_ids(after, BUILD_BATCH):
            self._add(ids)
            after, done, pending = ids[-1], done + len(ids), pending + len(ids)
            if pending >= BUILD_COMPACT and self._folder is not None:
                log.info("search indexes: %d chunks indexed", done)
                self.keyword.compact(self._folder.place)
                pending = 0
        self._unsaved = done > 0

    def _apply(self, touched: np.ndarray) -> None:
        """Drop the touched chunks' old versions and index what the store holds for them now."""
        if len(touched):
            self._add(touched.tolist(), touched)
            self._unsaved = True

    def _add(self, ids: Sequence[int], touched: np.ndarray | None = None) -> None:
        """Index the given chunks as stored now, after dropping the `touched` ones."""
        gone = np.zeros(0, np.int64) if touched is None else touched
        self.keyword.update(gone, [analyse(chunk) for chunk in self.store.chunk_texts(ids)])
        if not self.with_vectors:
            return
        found, matrix = self.store.chunk_vectors(self.model, ids)
        self.vectors.update(gone, found, matrix)
        if touched is None:  # building: keep the exact matrix small
            self.vectors.settle()
