"""The search indexes follow every write, in this process or another, and are saved beside it."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval.core import vectors
from retrieval.core.collection import Collection
from retrieval.core.indexes import index_folder
from retrieval.core.store import Filters, Store
from retrieval.text.documents import RawArticle
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder, shipped_articles

ROOT = Path(__file__).resolve().parent.parent.parent
NEW = RawArticle(
    title="Quantum ransomware",
    text="Investigators traced the zorblax ransomware to a server in Tallinn. "
    "The zorblax gang demanded payment in bitcoin from three hospitals.",
    url="https://news.example/zorblax",
    source="Example Wire",
    published="2026-11-20",
)


def open_collection(path: Path) -> Collection:
    """A collection on a database file, with the fake embedder."""
    return Collection(Store(path), FakeEmbedder(), FAKE_ANSWER_CONFIG)


def ingest_in_another_process(path: Path, article: RawArticle) -> None:
    """Run a second Python process that ingests one article into the same database."""
    script = (
        "import sys\n"
        "from retrieval.text.documents import RawArticle\n"
        "from tests.core.test_indexes import open_collection\n"
        "article = RawArticle(**eval(sys.argv[2]))\n"
        "print(open_collection(__import__('pathlib').Path(sys.argv[1])).ingest([article]).summary)\n"
    )
    fields = {k: getattr(article, k) for k in ("title", "text", "url", "source", "published")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), repr(fields)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 added"), done.stdout


def quoted(collection: Collection, question: str) -> list[str]:
    """The article titles of the best hits in keyword mode."""
    hits = collection.search(question, 3, mode="bm25").hits
    return [collection.store.article(hit.article_id).title for hit in hits]


def test_a_new_article_is_searchable_at_once(seeded: Collection) -> None:
    seeded.search("cartels")  # indexes loaded before the write
    seeded.ingest([NEW])
    assert quoted(seeded, "zorblax")[:1] == ["Quantum ransomware"]
    dense = seeded.search("zorblax ransomware gang", 1, mode="dense").hits
    assert seeded.store.article(dense[0].article_id).title == "Quantum ransomware"


def test_the_vocabulary_counts_the_chunks_holding_each_term(seeded: Collection) -> None:
    seeded.ingest([NEW])
    vocabulary = seeded.vocabulary()
    assert vocabulary["zorblax"] == 1 and vocabulary["ransomwar"] == 1
    assert "zorblax" in vocabulary and "zorblaxes" not in vocabulary
    terms = list(vocabulary)
    assert terms == sorted(set(terms)) and len(vocabulary) == len(terms) > 300
    assert vocabulary["cartel"] == len(seeded.search("cartels", 50, mode="bm25").hits)


def test_another_process_writes_are_seen_without_reloading_every_vector(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.db"
    bot = open_collection(path)
    bot.ingest(shipped_articles())
    assert quoted(bot, "zorblax") == []
    requested: list[int] = []
    load = bot.store.chunk_vectors

    def spy(model: str, chunk_ids: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        requested.extend(chunk_ids or [-1])
        return load(model, chunk_ids)

    bot.store.chunk_vectors = spy  # type: ignore[method-assign]
    ingest_in_another_process(path, NEW)
    assert quoted(bot, "zorblax")[:1] == ["Quantum ransomware"]
    new_chunks = bot.store.rows("SELECT id FROM chunks WHERE article_id = 4")
    assert sorted(requested) == sorted(row[0] for row in new_chunks)  # only the new vectors
    answer = bot.ask("Which gang demanded payment in bitcoin from hospitals?")
    assert any("zorblax gang" in quote.text for quote in answer.quotes)


def test_a_rewritten_article_is_found_by_its_new_words_only(seeded: Collection) -> None:
    article = next(a for a in shipped_articles() if "Malmström" in a.text)
    old_word = "Malmström"
    assert old_word in article.text and quoted(seeded, old_word)
    edited = replace(article, text=article.text.replace(old_word, "Plinkett"))
    assert seeded.ingest([edited]).updated == 1
    assert quoted(seeded, old_word) == []
    hits = seeded.search("Plinkett", 3, mode="bm25").hits
    assert hits and all(
        seeded.store.article(hit.article_id).text[hit.start : hit.end] for hit in hits
    )
    assert "Plinkett" in seeded.store.article(hits[0].article_id).text[hits[0].start : hits[0].end]


def test_saved_indexes_are_mapped_by_the_next_process_not_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "saved.db"
    first = open_collection(path)
    first.ingest(shipped_articles())
    expected = first.search("cartels recruit on social networks").hits
    assert (index_folder(path) / "manifest.json").exists()

    second = open_collection(path)
    built: list[object] = []
    second.store.chunk_texts = lambda ids: built.append(ids) or []  # type: ignore[method-assign]
    assert second.search("cartels recruit on social networks").hits == expected
    assert built == []  # no chunk text was read: the segments came from disk


def test_indexes_saved_for_another_database_are_ignored(tmp_path: Path) -> None:
    first = open_collection(tmp_path / "one.db")
    first.ingest(shipped_articles())
    other = open_collection(tmp_path / "two.db")
    other.ingest([NEW])
    index_folder(tmp_path / "one.db").rename(tmp_path / "moved")
    index_folder(tmp_path / "two.db").rename(tmp_path / "two-own")
    (tmp_path / "moved").rename(index_folder(tmp_path / "two.db"))
    reopened = open_collection(tmp_path / "two.db")
    assert quoted(reopened, "zorblax") == ["Quantum ransomware"]
    assert quoted(reopened, "cartels") == []


def test_a_damaged_index_folder_is_rebuilt_from_the_database(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    open_collection(path).ingest(shipped_articles())
    for segment in index_folder(path).glob("k-*"):
        (segment / "docs.npy").write_bytes(b"not an array")
    reopened = open_collection(path)
    assert quoted(reopened, "DEA report social networks")
    reopened.ingest([NEW])  # saves over the damaged indexes
    assert quoted(open_collection(path), "zorblax") == ["Quantum ransomware"]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_filters_keep_working(seeded: Collection, mode: str) -> None:
    seeded.ingest([NEW])
    titles = {a.id: a.title for a in seeded.store.articles(range(1, 5)).values()}
    newest = seeded.search("ransomware cartels", 10, Filters(published_from="2026-01-01"), mode)
    assert {titles[h.article_id] for h in newest.hits} == {"Quantum ransomware"}
    wire = seeded.search("ransomware cartels", 10, Filters(source="example wire"), mode)
    assert {h.article_id for h in wire.hits} == {4}
    scoped = seeded.search("cybercrime", 10, Filters(article_ids=frozenset({1, 3})), mode)
    assert scoped.hits and {h.article_id for h in scoped.hits} <= {1, 3}
    nothing = seeded.search("cybercrime", 10, Filters(article_ids=frozenset()), mode)
    assert nothing.hits == []


def test_a_growing_collection_moves_to_the_graph_and_saves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors, "GRAPH_MIN", 12)
    path = tmp_path / "graph.db"
    collection = open_collection(path)
    collection.ingest(shipped_articles())
    exact = collection.search("How do drug cartels use social networks?", mode="dense").hits
    more = [replace(NEW, url=f"https://news.example/{n}", title=f"Story {n}") for n in range(12)]
    more = [replace(a, text=a.text + f" Story number {n}.") for n, a in enumerate(more)]
    collection.ingest(more)
    assert collection.searcher.indexes.vectors.approximate
    assert list(index_folder(path).glob("graph-*.usearch"))
    reopened = open_collection(path)
    hits = reopened.search("How do drug cartels use social networks?", mode="dense").hits
    assert reopened.searcher.indexes.vectors.approximate
    assert [h.chunk_id for h in hits[:3]] == [h.chunk_id for h in exact[:3]]
    assert quoted(reopened, "zorblax")


def test_a_chunk_gone_since_the_index_was_read_has_no_sentences(seeded: Collection) -> None:
    model = seeded.embedder.name
    assert seeded.store.chunk_sentences([10**6], model) == {10**6: []}
    sentences = seeded.store.chunk_sentences([1], model)[1]
    text = seeded.store.article(1).text
    assert sentences and all(
        text[s.start : s.end].strip() == text[s.start : s.end] for s in sentences
    )
