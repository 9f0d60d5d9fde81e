"""Operating it: `cyberbrief --version` and `cyberbrief backup` while another process writes."""

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from retrieval.cli import main as cli
from retrieval.core.store import Store
from retrieval.operations.backup import BackupError, backup


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("cyberbrief 0.")


def test_the_installed_command_prints_its_version() -> None:
    found = subprocess.run(
        [Path(sys.executable).with_name("cyberbrief"), "--version"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert found.stdout.startswith("cyberbrief 0.")


def test_a_backup_taken_while_another_connection_writes_is_whole(tmp_path: Path) -> None:
    live = Store(tmp_path / "live.db")
    with live.transaction() as db:
        db.execute("CREATE TABLE notes (n INTEGER)")
    stop = threading.Event()

    def write() -> None:
        with sqlite3.connect(tmp_path / "live.db", timeout=30) as writer:
            n = 0
            while not stop.is_set() and n < 20_000:
                writer.execute("INSERT INTO notes VALUES (?)", [n])
                writer.commit()
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        made = backup(tmp_path / "live.db", tmp_path)  # a folder: the file is named in it
    finally:
        stop.set()
        writer.join(timeout=30)
    assert made.check == "ok" and made.path.parent == tmp_path
    with sqlite3.connect(made.path) as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        assert {"articles", "notes", "subscriptions", "owners"} <= tables
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(BackupError, match="exists"):
        backup(tmp_path / "live.db", made.path)
    assert backup(tmp_path / "live.db", made.path, replace=True).check == "ok"
    live.close()


def test_backup_command_names_what_went_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.db"
    Store(db).close()
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "copy.db")]) == 0
    assert "check: ok" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "copy.db")]) == 2
    assert "exists" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "no" / "x.db")]) == 2
    assert "no folder" in capsys.readouterr().err
