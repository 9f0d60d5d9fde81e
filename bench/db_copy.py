"""`python -m bench.db_copy`: `cyberbrief db copy` from SQLite to PostgreSQL and back, timed.

A synthetic store (bench.synthetic, cached) is copied into a new PostgreSQL database on the
local server (deploy/postgres.sh, or $CYBERBRIEF_BENCH_POSTGRES), then back into a new SQLite
file. Prints rows, seconds and rows per second for each direction; asserts nothing.
"""

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

from bench.report import table
from bench.synthetic import describe, synthetic_store
from retrieval.core.database import Database, open_target
from retrieval.operations.copying import Copied, copy_database

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "postgres.sh"
DATABASE = "cyberbrief_bench_copy"


def server() -> str:
    """The URL of the local server's main database, the server started if need be."""
    url = os.environ.get("CYBERBRIEF_BENCH_POSTGRES")
    if url:
        return url
    return subprocess.run(
        [SCRIPT, "start"], capture_output=True, text=True, check=True
    ).stdout.strip()


def fresh_database(url: str, name: str = DATABASE) -> str:
    """A new, empty database beside the server's main one (replacing one so named); its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.rsplit("/", 1)[0] + "/" + name


def timed_copy(source: Database, target: Database) -> tuple[Copied, float]:
    """A copy and its seconds."""
    started = time.perf_counter()
    copied = copy_database(source, target)
    return copied, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    """Copy a synthetic store to PostgreSQL and back; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.db_copy", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000, help="synthetic store size")
    args = parser.parse_args(argv)
    built = synthetic_store(args.chunks, "sentence-transformers/all-MiniLM-L6-v2")
    print(f"## db copy\n\n{describe(built)}\n")
    url = fresh_database(server())
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        source, postgres = open_target(built.path), open_target(url)
        copied, seconds = timed_copy(source, postgres)
        rows.append(("SQLite → PostgreSQL", copied.rows, seconds))
        back = open_target(Path(folder) / "back.db")
        copied, seconds = timed_copy(postgres, back)
        rows.append(("PostgreSQL → SQLite", copied.rows, seconds))
        for store in (source, postgres, back):
            store.close()
    print(
        table(
            ["direction", "rows", "seconds", "rows/s"],
            [[name, f"{n:,}", f"{s:.1f}", f"{n / s:,.0f}"] for name, n, s in rows],
        )
    )


if __name__ == "__main__":
    main()
