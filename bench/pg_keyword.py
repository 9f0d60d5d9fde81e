"""`python -m bench.pg_keyword`: keyword search on PostgreSQL, measured before choosing it.

SQuAD v1.1 dev: every question against all 2,067 paragraphs, by keywords alone, three ways:
SQLite FTS5 BM25 (the project's tokenizer and query words), PostgreSQL full-text search ranked
by ts_rank_cd, and by ts_rank (the `english` configuration, the same words joined with `or`).
Prints paragraph top-1/top-5/top-20 and the median query time; asserts nothing. The server is
the local one (deploy/postgres.sh) or $CYBERBRIEF_BENCH_POSTGRES.
"""

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg

from bench.db_copy import fresh_database, server
from bench.report import table
from retrieval.core.migrations import FTS_TOKENIZER
from retrieval.evaluation.squad import squad_collection
from retrieval.text.query import fts_expression, terms

SQUAD = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "squad" / "dev-v1.1.json"
)
DEPTHS = (1, 5, 20)
Ranker = Callable[[str], list[int]]


def sqlite_ranker(paragraphs: Sequence[tuple[str, str]]) -> Ranker:
    """FTS5 BM25 over the paragraphs (title and text), as the SQLite store indexes chunks."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE p USING fts5(title, text, tokenize='{FTS_TOKENIZER}')")
    conn.executemany(
        "INSERT INTO p (rowid, title, text) VALUES (?, ?, ?)",
        [(n, *p) for n, p in enumerate(paragraphs)],
    )

    def rank(question: str) -> list[int]:
        match = fts_expression(question)
        if not match:
            return []
        rows = conn.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT 20", [match])
        return [row[0] for row in rows]

    return rank


def postgres_rankers(url: str, paragraphs: Sequence[tuple[str, str]]) -> dict[str, Ranker]:
    """PostgreSQL full-text search over the paragraphs, ranked by ts_rank_cd and by ts_rank."""
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("CREATE TABLE p (id integer PRIMARY KEY, document tsvector NOT NULL)")
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO p VALUES (%s, setweight(to_tsvector('english', %s), 'A') || "
            "to_tsvector('english', %s))",
            [(n, title, text) for n, (title, text) in enumerate(paragraphs)],
        )
    conn.execute("CREATE INDEX p_document ON p USING gin (document)")

    def ranker(function: str) -> Ranker:
        def rank(question: str) -> list[int]:
            words = terms(question)
            if not words:
                return []
            rows = conn.execute(
                f"SELECT id FROM p, websearch_to_tsquery('english', %s) q WHERE document @@ q "
                f"ORDER BY {function}(document, q) DESC, id LIMIT 20",
                [" or ".join(words)],
            )
            return [row[0] for row in rows]

        return rank

    return {"PostgreSQL ts_rank_cd": ranker("ts_rank_cd"), "PostgreSQL ts_rank": ranker("ts_rank")}


def main(argv: Sequence[str] | None = None) -> None:
    """Measure each way on SQuAD dev; print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_keyword", description=__doc__)
    parser.add_argument("--squad", type=Path, default=SQUAD, help="SQuAD v1.1 dev JSON")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args(argv)
    articles, questions = squad_collection(args.squad)
    questions = questions[: args.limit] if args.limit else questions
    paragraphs = [(article.title, article.text) for article in articles]
    position = {article.origin: n for n, article in enumerate(articles)}
    rankers = {"SQLite FTS5 bm25": sqlite_ranker(paragraphs)}
    rankers |= postgres_rankers(fresh_database(server()), paragraphs)
    rows = []
    for name, rank in rankers.items():
        hits = dict.fromkeys(DEPTHS, 0)
        seconds = []
        for question in questions:
            started = time.perf_counter()
            ranked = rank(question.text)
            seconds.append(time.perf_counter() - started)
            gold = position[question.origin]
            for depth in DEPTHS:
                hits[depth] += gold in ranked[:depth]
        median = statistics.median(seconds) * 1000
        rows.append([name, *(f"{hits[d] / len(questions):.3f}" for d in DEPTHS), f"{median:.2f}"])
    print(f"## Keyword search, SQuAD v1.1 dev: {len(questions):,} questions, ", end="")
    print(f"{len(paragraphs):,} paragraphs\n")
    print(table(["ranking", "top-1", "top-5", "top-20", "median ms"], rows))


if __name__ == "__main__":
    main()
