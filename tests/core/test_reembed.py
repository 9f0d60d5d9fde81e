"""Vectors of another model variant are never mixed in, and the next ingest re-embeds them."""

from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from retrieval.core.variant_store import STALE_SQL, VariantStore
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder, OtherVariant, shipped_articles

QUESTION = "How do drug cartels use social networks?"


def models(store: Store) -> set[tuple[str, str]]:
    """Which variants made the stored vectors, per table."""
    rows = store.rows(
        "SELECT DISTINCT 'sentences', model FROM sentences "
        "UNION SELECT DISTINCT 'chunks', model FROM embeddings"
    )
    return {tuple(row) for row in rows}


def test_another_variant_finds_no_vectors_to_mix_with(seeded: Collection) -> None:
    other = Collection(seeded.store, OtherVariant(), FAKE_ANSWER_CONFIG)
    assert other.search(QUESTION, mode="dense").hits == []
    result = other.search(QUESTION, mode="hybrid")
    assert result.hits and all(hit.dense == 0.0 for hit in result.hits)  # keywords alone
    assert all(rows == [] for rows in result.sentences.values())
    assert other.ask(QUESTION).quotes == ()  # nothing quoted through the other model's vectors


def test_the_next_ingest_re_embeds_and_answers_as_a_fresh_collection(
    seeded: Collection, tmp_path: Path
) -> None:
    chunk_ids = seeded.store.rows('SELECT id, start, "end" FROM chunks ORDER BY id')
    other = Collection(seeded.store, OtherVariant(), FAKE_ANSWER_CONFIG)
    seen: list[int] = []

    def progress(ids: list[int]) -> list[int]:
        seen.extend(ids)
        return ids

    report = other.ingest(shipped_articles(), progress=progress)
    assert (report.added, report.skipped, report.reembedded) == (0, 3, 3)
    assert report.summary.endswith("3 re-embedded") and seen == [1, 2, 3]
    assert models(seeded.store) == {("sentences", OtherVariant.name), ("chunks", OtherVariant.name)}
    assert seeded.store.rows('SELECT id, start, "end" FROM chunks ORDER BY id') == chunk_ids
    assert VariantStore(seeded.store).stale_articles(OtherVariant.name) == []

    fresh = Collection(Store(tmp_path / "fresh.db"), OtherVariant(), FAKE_ANSWER_CONFIG)
    fresh.ingest(shipped_articles())
    assert np.allclose(
        other.store.chunk_vectors(OtherVariant.name)[1],
        fresh.store.chunk_vectors(OtherVariant.name)[1],
        atol=1e-6,
    )
    assert other.ask(QUESTION) == fresh.ask(QUESTION)
    assert other.ingest([]).reembedded == 0  # nothing stale is left


def test_ingest_command_reports_the_re_embedded_articles(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(tmp_path / "t.db")
    monkeypatch.setattr("retrieval.core.collection.configured_embedder", lambda _: FakeEmbedder())
    assert main(["--db", db, "ingest", "data/articles"]) == 0
    monkeypatch.setattr("retrieval.core.collection.configured_embedder", lambda _: OtherVariant())
    assert main(["--db", db, "search", "cartels", "--mode", "dense"]) == 0
    out, err = capsys.readouterr()
    assert "No matching passages." in out
    assert "warning: 3 articles embedded by another model variant are found by keywords" in err
    assert main(["--db", db, "ingest", "data/articles"]) == 0
    assert "0 added, 0 updated, 3 skipped, 0 failed, 3 re-embedded" in capsys.readouterr().out
    assert main(["--db", db, "search", "cartels", "--mode", "dense"]) == 0
    assert "No matching passages." not in capsys.readouterr().out


def test_looking_for_stale_vectors_reads_the_model_indexes_not_every_row(
    seeded: Collection,
) -> None:
    plan = seeded.store.rows(f"EXPLAIN QUERY PLAN {STALE_SQL}", [FakeEmbedder.name] * 4)
    steps = [row[-1] for row in plan]
    assert not [step for step in steps if step.startswith("SCAN")]
    assert sum("idx_sentences_model" in step for step in steps) == 3
    assert sum("idx_embeddings_model" in step for step in steps) == 2
