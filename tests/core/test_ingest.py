"""Ingestion is idempotent, updates changed articles alone and never leaves half an article."""

from dataclasses import replace

import pytest

from retrieval.core.collection import Collection
from retrieval.core.store import Store
from retrieval.text.documents import Failure, RawArticle, find_files, read_file
from tests.conftest import shipped_articles


def counts(store: Store) -> dict[str, int]:
    tables = ("articles", "chunks", "sentences", "embeddings")
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_same_articles_twice_are_stored_once(collection: Collection) -> None:
    first = collection.ingest(shipped_articles())
    before = counts(collection.store)
    second = collection.ingest(shipped_articles())
    assert (first.added, second.added, second.skipped) == (3, 0, 3)
    assert counts(collection.store) == before
    assert before["articles"] == 3 and before["chunks"] == before["embeddings"] >= 3
    assert before["sentences"] > 30


def test_progress_hears_of_each_item_once_it_is_done(collection: Collection) -> None:
    items = [*shipped_articles(), Failure("bad.json", "malformed JSON"), shipped_articles()[0]]
    stored_when_told: list[int] = []
    collection.ingest(
        items, on_item=lambda: stored_when_told.append(counts(collection.store)["articles"])
    )
    # one call per item: the failure and the repeat at once, each article once it is written
    assert stored_when_told == [0, 0, 1, 2, 3]


def test_same_url_or_same_text_is_one_article(collection: Collection) -> None:
    story = RawArticle(
        title="T",
        text="Cartels spy on recruits. Police respond.",
        url="https://news.example/a",
        origin="a.md",
    )
    same_text = replace(story, url=None, origin="copy.md")
    report = collection.ingest([story, replace(story, origin="b.md"), same_text])
    assert (report.added, report.skipped) == (1, 2)


def test_changed_article_is_rechunked_alone(collection: Collection) -> None:
    articles = shipped_articles()
    collection.ingest(articles)
    store = collection.store
    untouched = store.db.execute(
        "SELECT id, article_id, start FROM chunks WHERE article_id != 1 ORDER BY id"
    ).fetchall()
    calls = collection.embedder.calls
    edited = replace(articles[0], text=articles[0].text + "\n\nA new closing sentence was added.")
    report = collection.ingest([edited, *articles[1:]])
    assert (report.added, report.updated, report.skipped) == (0, 1, 2)
    assert collection.embedder.calls == calls + 1
    assert (
        store.db.execute(
            "SELECT id, article_id, start FROM chunks WHERE article_id != 1 ORDER BY id"
        ).fetchall()
        == untouched
    )
    assert store.article(1).text.endswith("A new closing sentence was added.")
    assert counts(store)["chunks"] == counts(store)["embeddings"]


def test_crash_while_writing_an_article_leaves_no_trace(
    collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = shipped_articles()
    collection.ingest(articles[:1])
    before = counts(collection.store)
    original = Store._insert_parts

    def crash_after_chunks(self: Store, article_id: int, write) -> None:  # type: ignore[no-untyped-def]
        original(self, article_id, write)
        raise OSError("disk full")

    monkeypatch.setattr(Store, "_insert_parts", crash_after_chunks)
    with pytest.raises(OSError):
        collection.ingest(articles[1:])
    assert counts(collection.store) == before
    monkeypatch.undo()
    report = collection.ingest(articles)
    assert (report.added, report.skipped) == (2, 1)


def test_failures_are_reported_and_the_rest_is_stored(collection: Collection, tmp_path) -> None:
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\nA good article about cartels.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "mixed.jsonl").write_text('{"title": "J", "text": "Fine record."}\n{oops\n')
    items = [item for path in find_files([tmp_path]) for item in read_file(path)]
    report = collection.ingest(items)
    assert (report.added, len(report.failures)) == (2, 2)
    assert report.summary == "2 added, 0 updated, 0 skipped, 2 failed"
    assert sorted(f.reason for f in report.failures) == [
        "binary file",
        "malformed JSON line (Expecting property name enclosed in double quotes)",
    ]
