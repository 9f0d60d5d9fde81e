"""Write transactions hold up when several processes share one database file."""

import sqlite3
import threading
from pathlib import Path

import pytest

from retrieval.core.store import Store


def test_a_transaction_that_reads_then_writes_survives_another_process_writing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.db"
    first, second = Store(path), Store(path)  # two connections, as two processes have
    errors: list[BaseException] = []

    def other_process_writes() -> None:
        try:
            with second.transaction() as db:
                db.execute("INSERT INTO meta (key, value) VALUES ('other', '1')")
        except BaseException as error:  # reported below
            errors.append(error)

    with first.transaction() as db:
        (count,) = db.execute("SELECT count(*) FROM meta").fetchone()  # a snapshot is taken
        writer = threading.Thread(target=other_process_writes)
        writer.start()
        writer.join(timeout=1.0)  # it commits now, or waits for this transaction to end
        db.execute("INSERT INTO meta (key, value) VALUES ('mine', ?)", [str(count)])
    writer.join(timeout=30)
    assert not writer.is_alive() and errors == []
    keys = {row[0] for row in first.rows("SELECT key FROM meta")}
    assert {"mine", "other"} <= keys
    first.close()
    second.close()


def test_a_failed_block_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('half', '1')")
        with store.transaction() as inner:  # nested: a savepoint of the outer block
            inner.execute("INSERT INTO meta (key, value) VALUES ('half', '2')")
    assert store.rows("SELECT value FROM meta WHERE key = 'half'") == []
    with store.transaction() as db:  # the connection is usable again
        db.execute("INSERT INTO meta (key, value) VALUES ('after', '1')")
    assert store.rows("SELECT value FROM meta WHERE key = 'after'") == [("1",)]


def test_two_processes_opening_a_new_database_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    opened: list[Store] = []
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            opened.append(Store(path))
        except BaseException as error:  # reported below
            errors.append(error)

    openers = [threading.Thread(target=open_store) for _ in range(4)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(timeout=60)
    assert errors == [] and len(opened) == 4
    applied = opened[0].rows("SELECT name FROM _sqlite_migrations")
    assert len(applied) == len({name for (name,) in applied})
    for store in opened:
        store.close()
