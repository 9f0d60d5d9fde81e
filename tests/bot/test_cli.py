"""`cyberbrief run` without a token, and `cyberbrief bot` options."""

import io
from pathlib import Path

import pytest

from bot.app import api_base_url
from bot.cli import main
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from tests.conftest import FakeEmbedder, shipped_articles


def test_run_without_a_token_explains_and_falls_back_to_the_terminal_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    monkeypatch.setattr("retrieval.core.collection.configured_embedder", lambda _: FakeEmbedder())
    Collection(Store(tmp_path / "t.db"), FakeEmbedder()).ingest(shipped_articles())
    assert main(["--db", str(tmp_path / "t.db"), "run"]) == 0
    out, err = capsys.readouterr()
    assert "@BotFather" in err and "TELEGRAM_BOT_TOKEN=123456:ABC... cyberbrief run" in err
    assert out.startswith("cyberbrief: 3 articles")


def test_run_on_an_empty_collection_says_how_to_fill_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["--db", str(tmp_path / "t.db"), "run"]) == 2
    assert "no articles in" in capsys.readouterr().err
    assert not (tmp_path / "t.db").exists()


def test_bot_needs_a_token_and_a_webhook_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["--db", str(tmp_path / "t.db"), "bot"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    assert main(["--db", str(tmp_path / "t.db"), "bot", "--webhook", "https://x.y/hook"]) == 2
    assert "--webhook-secret" in capsys.readouterr().err


def test_api_url_accepts_a_server_root_or_its_bot_path() -> None:
    assert api_base_url("http://127.0.0.1:8081/") == "http://127.0.0.1:8081/bot"
    assert api_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/bot"


class IdleApplication:
    """Stands in for the Telegram application: returns at once instead of polling."""

    def run_polling(self, **options: object) -> None:
        """Return at once."""


def test_bot_without_owners_says_how_to_become_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    monkeypatch.delenv("CYBERBRIEF_OWNERS", raising=False)
    monkeypatch.setattr("retrieval.core.collection.configured_embedder", lambda _: FakeEmbedder())
    monkeypatch.setattr("bot.serve.build_application", lambda *a, **k: IdleApplication())
    monkeypatch.setattr("bot.serve.reach_telegram", lambda settings: None)  # no Telegram here
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "bot"]) == 0
    err = capsys.readouterr().err
    assert "no owners yet" in err and "/whoami" in err and "cyberbrief owners add ID" in err
    assert main(["--db", db, "owners", "add", "5550001"]) == 0
    assert "5550001 is now an owner" in capsys.readouterr().out
    assert main(["--db", db, "bot"]) == 0
    assert "no owners" not in capsys.readouterr().err
    assert main(["--db", db, "owners", "list"]) == 0
    assert capsys.readouterr().out.startswith("5550001  added 20")
    monkeypatch.setenv("CYBERBRIEF_OWNERS", "42")
    assert main(["--db", db, "owners", "remove", "42"]) == 2
    assert "set in CYBERBRIEF_OWNERS" in capsys.readouterr().err
    assert main(["--db", db, "owners", "remove", "5550001"]) == 0
    assert main(["--db", db, "owners", "list"]) == 0
    assert capsys.readouterr().out.endswith("42  environment (CYBERBRIEF_OWNERS)\n")
