"""Search indexes saved beside the database: segments and the vector graph, named by a manifest.

The folder holds segment folders (`k-…`), files of dead chunk positions (`dead-…`), the HNSW
graph (`graph-….usearch`) and `manifest.json`, which names the ones making up the newest saved
state and the last change-log entry it includes. One process saves at a time (a lock file); the
manifest is replaced atomically, then files no manifest names are deleted. Everything here can
be rebuilt from the database: a folder from another database (`key`) or model is ignored.
"""

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.core.keyword import KeywordIndex
from retrieval.core.segments import load
from retrieval.core.vectors import VectorIndex

FORMAT = 2  # 2: segments keep BM25 impacts
MANIFEST = "manifest.json"
LOCK = "lock"
GRAPH_RESAVE = 2_000  # vectors changed before the graph is saved again (or 5% of them)


@dataclass(frozen=True)
class Snapshot:
    """One saved state of the indexes: what makes it up, up to which change-log entry."""

    name: str  # unique per save
    through: int
    segments: tuple[tuple[str, str | None], ...]  # (segment folder, dead positions file or None)
    graph: str | None  # the vector graph, saved less often: it may stop at an earlier entry
    graph_through: int

    @property
    def applied(self) -> int:
        """The change-log entry both indexes include (later ones are applied again: harmless)."""
        return min(self.through, self.graph_through) if self.graph else self.through


class SnapshotFolder:
    """The folder beside a database where its search indexes are saved."""

    def __init__(self, path: Path, key: str, model: str) -> None:
        self.path = path
        self.key = key
        self.model = model

    def latest(self) -> Snapshot | None:
        """The newest saved snapshot of this database and model, if any."""
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (data.get("format"), data.get("key"), data.get("model")) != (
            FORMAT,
            self.key,
            self.model,
        ):
            return None
        return Snapshot(
            data["name"],
            int(data["through"]),
            tuple((str(s), d) for s, d in data["segments"]),
            data["graph"],
            int(data["graph_through"]),
        )

    def load(self, snapshot: Snapshot, dimension: int) -> tuple[KeywordIndex, VectorIndex | None]:
        """The indexes of a snapshot, segments mapped from disk; no vectors if it saved none."""
        segments, alive = [], []
        for folder, dead in snapshot.segments:
            segment = load(self.path / folder)
            mask = None
            if dead is not None:
                mask = np.ones(len(segment), bool)
                mask[np.load(self.path / dead)] = False
            segments.append(segment)
            alive.append(mask)
        vectors = None
        if snapshot.graph is not None:
            vectors = VectorIndex(dimension)
            vectors.load(self.path / snapshot.graph)
        return KeywordIndex(segments, alive), vectors

    @contextmanager
    def writing(self) -> Iterator["SnapshotFolder | None"]:
        """Hold the folder's lock while saving; yield None if another process holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK, "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield None
                return
            try:
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def place(self) -> Path:
        """A new folder name for a segment."""
        return self.path / f"k-{uuid.uuid4().hex[:12]}"

    def save(
        self,
        keyword: KeywordIndex,
        vectors: VectorIndex,
        through: int,
        previous: Snapshot | None,
    ) -> Snapshot:
        """Write the indexes (segments not yet on disk, dead lists, the graph) and the manifest.

        Call it holding the lock (`writing`). The graph of the `previous` snapshot (the one these
        indexes descend from) is kept until enough vectors changed: rewriting it is costly.
        """
        name = uuid.uuid4().hex[:12]
        generation = keyword.compact(self.place)
        segments = []
        for segment, alive in zip(generation.segments, generation.alive, strict=True):
            assert segment.folder is not None
            dead = None
            if alive is not None:
                dead = f"dead-{name}-{segment.folder.name}.npy"
                np.save(self.path / dead, np.flatnonzero(~alive))
            segments.append((segment.folder.name, dead))
        graph, graph_through = (previous.graph, previous.graph_through) if previous else (None, 0)
        if not vectors.approximate:
            graph, graph_through = None, 0
        elif graph is None or vectors.unsaved >= max(GRAPH_RESAVE, len(vectors) // 20):
            graph, graph_through = f"graph-{name}.usearch", through
            vectors.save(self.path / graph)
        snapshot = Snapshot(name, through, tuple(segments), graph, graph_through)
        manifest = {
            "format": FORMAT,
            "key": self.key,
            "model": self.model,
            "name": name,
            "through": through,
            "segments": [list(s) for s in segments],
            "graph": graph,
            "graph_through": graph_through,
        }
        temporary = self.path / f"{MANIFEST}.{name}"
        temporary.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(temporary, self.path / MANIFEST)
        self._collect(snapshot)
        return snapshot

    def _collect(self, snapshot: Snapshot) -> None:
        """Delete what the snapshot does not name (processes mapping it keep their copy)."""
        named = {LOCK, MANIFEST, snapshot.graph} | {
            name for pair in snapshot.segments for name in pair if name
        }
        for entry in self.path.iterdir():
            if entry.name not in named:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
