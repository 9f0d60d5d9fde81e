"""BM25 over segments: the scores SQLite FTS5 gave, and the same top chunks as scoring them all."""

import math
import random
import sqlite3

import numpy as np
import pytest

from retrieval.core.bm25 import Part, idf, top_chunks
from retrieval.core.keyword import KeywordIndex
from retrieval.core.segments import K1, B, ChunkTerms, build
from retrieval.text.analysis import Analysed, analyzer_for
from retrieval.text.sentences import split_sentences
from tests.conftest import shipped_articles

WORDS = [f"w{i}" for i in range(40)]


def random_chunks(rng: random.Random, count: int, first: int) -> list[ChunkTerms]:
    """Chunks of Zipf-like words: a few very common, most rare, lengths varying."""
    chunks = []
    for number in range(first, first + count):
        length = rng.randint(3, 60)
        words = rng.choices(WORDS, weights=[1 / (i + 1) for i in range(len(WORDS))], k=length)
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        chunks.append(ChunkTerms(number, number // 3, "en", Analysed(counts, length + 2)))
    return chunks


def brute_force(
    chunks: list[ChunkTerms], eligible: set[int], query: dict[str, int]
) -> dict[int, float]:
    """Every eligible chunk's BM25, term by term (statistics over all chunks, as the index)."""
    average = sum(c.analysed.length for c in chunks) / len(chunks)
    scores = {}
    for chunk in chunks:
        if chunk.chunk_id not in eligible:
            continue
        score = 0.0
        for term, weight in query.items():
            count = chunk.analysed.counts.get(term, 0)
            if count:
                holding = sum(term in c.analysed.counts for c in chunks)
                norm = K1 * (1 - B + B * chunk.analysed.length / average)
                score += weight * idf(len(chunks), holding) * count * (K1 + 1) / (count + norm)
        if score > 0:
            scores[chunk.chunk_id] = score
    return scores


def best(scores: dict[int, float], n: int) -> list[int]:
    """The n best ids, best first."""
    return sorted(scores, key=lambda key: (-scores[key], key))[:n]


@pytest.mark.parametrize("seed", range(6))
def test_pruned_search_finds_what_scoring_every_chunk_finds(seed: int) -> None:
    rng = random.Random(seed)
    chunks = random_chunks(rng, 300, 1) + random_chunks(rng, 120, 301) + random_chunks(rng, 7, 421)
    average = sum(c.analysed.length for c in chunks) / len(chunks)
    segments = [build(chunks[a:b], average) for a, b in ((0, 300), (300, 420), (420, 427))]
    alive = [rng.random() > 0.1 for _ in chunks]
    masks = [np.array(alive[:300]), None, np.array(alive[420:])]
    eligible = {c.chunk_id for c, ok in zip(chunks, alive, strict=True) if ok}
    eligible |= {c.chunk_id for c in chunks[300:420]}
    for _ in range(20):
        query = {w: rng.choice([1, 1, 2]) for w in rng.sample(WORDS, rng.randint(1, 6))}
        n = rng.choice([1, 5, 20, 100])
        found = top_chunks([Part(s, m) for s, m in zip(segments, masks, strict=True)], query, n)
        expected = brute_force(chunks, eligible, query)
        assert all(math.isclose(found[c], expected[c], rel_tol=1e-5) for c in found)
        top = sorted(found.values(), reverse=True)  # ties at the n-th place may go either way
        assert top == pytest.approx([expected[c] for c in best(expected, n)], rel=1e-5)


def test_scores_are_those_of_sqlite_fts5() -> None:
    """The index replaced FTS5 (porter, unicode61, no diacritics) and bm25(): the same scores."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, text, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    english, chunks = analyzer_for("en"), []
    for article_id, article in enumerate(shipped_articles()):
        for start, end in split_sentences(article.text):
            rowid = len(chunks) + 1
            text = article.text[start:end]
            db.execute(
                "INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)", (rowid, article.title, text)
            )
            analysed = english.document(article.title + "\n" + text)
            chunks.append(ChunkTerms(rowid, article_id, "en", analysed))
    average = sum(c.analysed.length for c in chunks) / len(chunks)
    index = KeywordIndex([build(chunks[:100], average), build(chunks[100:], average)])
    for question in (
        "How do Mexican drug cartels use social networks?",
        "What did Malmström say about EU-US cooperation?",
        "How many children were rescued?",
        "Europol EC3 cybercrime centre",
    ):
        words = " OR ".join(
            f'"{w}"' for w in english.words(question) if w not in english.stop_words
        )
        expected = dict(
            db.execute(
                "SELECT rowid, -bm25(t) FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", [words]
            ).fetchall()
        )
        found = index.search(question, 10)
        assert best(found, 10) == best(expected, 10)  # float32 sums: equal to 6 digits
        assert all(math.isclose(found[c], expected[c], rel_tol=1e-6) for c in expected)


def test_no_terms_no_chunks_no_results() -> None:
    segment = build(random_chunks(random.Random(1), 10, 1))
    assert top_chunks([Part(segment)], {"unknown": 1}, 10) == {}
    assert top_chunks([], {"w0": 1}, 10) == {}
    assert top_chunks([Part(segment, np.zeros(10, bool))], {"w0": 1}, 10) == {}
