"""cyberbrief db copy: a whole collection to PostgreSQL and back, every row as it was."""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from retrieval.alerts.store import open_alerts
from retrieval.briefings.schedules import next_run, parse_schedule
from retrieval.briefings.store import open_briefings
from retrieval.conversations.store import open_conversations
from retrieval.core.collection import Collection
from retrieval.core.database import open_vocabulary
from retrieval.core.models import Answer, Quote
from retrieval.core.postgres import PostgresStore
from retrieval.core.store import Store
from retrieval.news.store import open_feeds
from retrieval.operations.copying import copy_database
from retrieval.operations.store import CountMismatch, TableRows, open_owners, open_tables
from retrieval.text.query import query_stems
from tests.cli.test_cli import run


def everything(store: Store) -> None:
    """A little of every capability's rows, beside the seeded articles."""
    conversations = open_conversations(store)
    quote = Quote(2, "Title", "Outlet", "2012-05-03", None, "Text", 0, 4, 1.0)
    answer_id = conversations.record_answer(7, 8, "q?", "q?", Answer("q?", (quote,), False))
    conversations.attach_messages(answer_id, 7, [100])
    stored = conversations.answer(answer_id)
    assert stored is not None
    conversations.record_feedback(stored, 8, 1)
    feeds = open_feeds(store)
    feed, _ = feeds.add("https://wire.example/rss")
    feeds.record_item(feed.id, "g1", "https://wire.example/1", "h", 1)
    open_owners(store).add(42, "ana")
    schedule = parse_schedule("daily 08:00 Europe/Madrid")
    open_briefings(store).set_schedule(7, schedule, next_run(schedule, datetime.now(UTC)), 8)
    open_alerts(store).add_subscription(
        7, 8, "drug cartels", np.ones(64, np.float32) / 8, "fake", 10
    )


def rows_of(store: Store | PostgresStore) -> dict[str, list[tuple]]:
    """Every row of every copied table."""
    tables = open_tables(store)
    return {name: list(tables.read(name, tables.columns(name))) for name in sorted(tables.names())}


def test_a_collection_goes_to_postgresql_and_back_unchanged(
    seeded: Collection, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = seeded.store
    everything(store)
    source = Path(store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    code, out, err = run(capsys, "db", "copy", str(source), postgres_url)
    assert code == 0, err
    assert out.startswith("copied 3 articles (") and "every table's count checked" in out

    postgres = PostgresStore(postgres_url)
    moved = open_conversations(postgres).last_answer(7)
    assert moved == open_conversations(store).last_answer(7)
    assert postgres.articles([2])[2] == store.article(2)
    vocabulary, stems = open_vocabulary(postgres), query_stems("Malmström cartels bitcoin")
    assert vocabulary.frequencies(stems) == open_vocabulary(store).frequencies(stems)
    assert vocabulary.closest("malmstrm", 1) == "malmström"  # the copied words, in order
    new = open_conversations(postgres).record_answer(9, 9, "new", "new", Answer("n", (), True))
    assert new == 2  # ids go on after the copied ones
    postgres.close()

    back = tmp_path / "back.db"
    code, _, err = run(capsys, "db", "copy", postgres_url, str(back))
    assert code == 0, err
    returned = Store(back)
    original, copied = rows_of(store), rows_of(returned)
    copied["answers"] = copied["answers"][:-1]  # the answer given on PostgreSQL
    for keyed in ("meta", "words", "stems"):  # back in key order
        assert sorted(copied.pop(keyed)) == sorted(original.pop(keyed))
    assert copied == original
    found = Collection(returned, seeded.embedder).search("malmstrom", 5, mode="bm25").hits
    assert found and found == seeded.search("malmstrom", 5, mode="bm25").hits  # indexed anew


def test_a_copy_goes_only_into_an_empty_database(
    seeded: Collection, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "test.db"
    assert run(capsys, "db", "copy", str(source), postgres_url)[0] == 0
    code, _, err = run(capsys, "db", "copy", str(source), postgres_url)
    assert code == 2 and "the target is not empty (articles, chunks" in err
    code, _, err = run(capsys, "db", "copy", str(tmp_path / "missing.db"), postgres_url)
    assert code == 2 and "no database" in err and "missing.db" in err
    code, _, err = run(capsys, "db", "copy", postgres_url, postgres_url)
    assert code == 2 and "the same database" in err
    code, _, err = run(capsys, "db", "copy", str(source), "postgresql://me:secret@127.0.0.1:1/x")
    assert code == 2 and "cannot connect to postgresql://me:***@127.0.0.1:1/x" in err
    assert "secret" not in err


def test_counts_that_do_not_match_leave_the_target_untouched(
    seeded: Collection, postgres_url: str
) -> None:
    target = PostgresStore(postgres_url)
    tables = open_tables(seeded.store)
    columns = tables.columns("articles")
    articles = TableRows("articles", tuple(columns), tables.read("articles", columns))
    with pytest.raises(CountMismatch):
        open_tables(target).write([articles], {"articles": 4})
    assert target.rows("SELECT count(*) FROM articles") == [(0,)]
    copied = copy_database(seeded.store, target)
    assert copied.counts["articles"] == 3 and copied.counts["embeddings"] > 3
    planned = target.rows("SELECT reltuples FROM pg_class WHERE relname = 'sentences'")
    assert planned[0][0] > 0  # analysed: the first searches are planned on real numbers
    target.close()


def test_commands_on_postgresql_never_use_another_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CYBERBRIEF_DB", postgres_url)
    monkeypatch.setenv("XDG_DATA_HOME", "/nonexistent")
    code, _, err = run(capsys, "ask", "Who are the Zetas?")
    assert code == 2 and f"no articles in {postgres_url} yet" in err  # not the SQLite file
    code, _, err = run(capsys, "backup", "/tmp/x.db")
    assert code == 2 and "pg_dump" in err
    assert run(capsys, "owners", "add", "42")[0] == 0
    code, out, _ = run(capsys, "owners", "list")
    assert code == 0 and "42" in out
    code, out, _ = run(capsys, "stats")
    assert code == 0 and "articles: 0" in out
