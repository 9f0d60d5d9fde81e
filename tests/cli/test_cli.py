"""The command line, run in-process against a temporary database with the fake embedder."""

import io
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retrieval.cli import chat
from retrieval.cli import main as cli
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from tests.conftest import ARTICLES, FAKE_ANSWER_CONFIG, FakeEmbedder, shipped_articles
from tests.feedserver import FeedServer, page, rss


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Make the CLI use the fake embedder and a temporary database; return its path."""
    db = tmp_path / "cli.db"
    monkeypatch.setenv("CYBERBRIEF_DB", str(db))
    monkeypatch.setattr(
        Collection,
        "open",
        classmethod(
            lambda cls, settings, embedder=None: cls(
                Store(settings.db_path), FakeEmbedder(), FAKE_ANSWER_CONFIG
            )
        ),
    )
    return db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ingest_reports_a_summary_and_is_idempotent(fake_cli: Path, capsys) -> None:
    code, out, _ = run(capsys, "ingest", str(ARTICLES))
    assert code == 0 and out.startswith("3 added, 0 updated, 0 skipped, 0 failed")
    assert str(fake_cli) in out
    code, out, _ = run(capsys, "ingest", str(ARTICLES))
    assert out.startswith("0 added, 0 updated, 3 skipped, 0 failed")


def test_ingest_names_bad_files_and_exits_non_zero(fake_cli: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.json").write_text("{broken")
    code, out, err = run(
        capsys, "ingest", str(ARTICLES), str(tmp_path / "bad.json"), str(tmp_path / "gone.md")
    )
    assert code == 1
    assert out.startswith("3 added, 0 updated, 0 skipped, 2 failed")
    assert f"failed: {tmp_path / 'bad.json'}: malformed JSON" in err
    assert f"failed: {tmp_path / 'gone.md'}: no such file or folder" in err


def test_ask_json_shape_and_exact_quotes(fake_cli: Path, capsys) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, _ = run(capsys, "ask", "How many children were rescued in Europe?", "--json")
    record = json.loads(out)
    assert code == 0 and record["abstained"] is False
    assert set(record) == {
        "question",
        "language",
        "abstained",
        "coverage",
        "covered",
        "missing",
        "searched",
        "sources",
        "related",
    }
    assert record["coverage"] == "full" and record["missing"] == [] and record["related"] == []
    texts = {p.stem: p.read_text() for p in ARTICLES.glob("*.md")}
    (group,) = record["sources"]  # every quote comes from the EU article, grouped under it
    assert set(group) == {
        "article_id",
        "title",
        "source",
        "published",
        "url",
        "language",
        "quotes",
    }
    assert group["title"] == 'Cybercrime: "EU-US cooperation a necessity"'
    assert len(group["quotes"]) == 3
    body = texts["2012-05-03-eu-us-cooperation-a-necessity"]
    for quote in group["quotes"]:
        assert set(quote) == {"quote", "start", "end", "score"}
        assert quote["quote"] in body
    first = group["quotes"][0]["quote"]
    assert first == "In Europe, 8 children between 3 and 10 years old were rescued."


def test_ask_reads_questions_from_stdin_one_json_per_line(
    fake_cli: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "ingest", str(ARTICLES))
    monkeypatch.setattr("sys.stdin", io.StringIO("What is EC3?\n\n?!\nZetas hackers kidnapping\n"))
    code, out, _ = run(capsys, "ask", "-")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # one line had no question in it
    assert [line["question"] for line in lines] == [
        "What is EC3?",
        "?!",
        "Zetas hackers kidnapping",
    ]
    assert "error" in lines[1] and lines[2]["sources"][0]["quotes"]


def test_empty_question_gets_a_clear_message(fake_cli: Path, capsys) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, err = run(capsys, "ask", "   ")
    assert code == 2 and out == ""
    assert err == "cyberbrief: The question is empty: type a few words to search for.\n"


def test_search_prints_hits_and_json(fake_cli: Path, capsys) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, _ = run(capsys, "search", "Zetas hackers", "-k", "2", "--json")
    hits = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(hits) == 2 and hits[0]["source"] == "InSight Crime"
    code, out, _ = run(
        capsys, "search", "Malmström", "--source", "InSight Crime", "--until", "2020-01-01"
    )
    assert "European Commission" not in out


def test_chat_answers_until_end_of_input(fake_cli: Path, capsys, monkeypatch) -> None:
    run(capsys, "ingest", str(ARTICLES))
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("What did the DEA report say about Zetas?\n\nquit\n")
    )
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.startswith("cyberbrief: 3 articles from ")
    assert "│ " in out and "— DEA report: Mexican cartels" in out and "InSight Crime" in out


def test_chat_reads_followups_with_the_previous_question(
    fake_cli: Path, capsys, monkeypatch
) -> None:
    run(capsys, "ingest", str(ARTICLES))
    lines = "How many children were rescued?\nand in Europe?\nWho are the Zetas?\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code, out, _ = run(capsys, "chat")
    assert code == 0 and out.count("Read as:") == 1  # a full question stands alone
    followup = out.split("Read as: How many children were rescued in Europe?\n")[1]
    assert followup.startswith("\n│ In Europe, 8 children between 3 and 10 years old were rescued.")


class Terminal(io.StringIO):
    """Typed input, as from a terminal."""

    def isatty(self) -> bool:
        """A terminal."""
        return True


def test_chat_in_a_terminal_keeps_history_and_ends_ctrl_d_with_a_newline(
    fake_cli: Path, capsys, monkeypatch
) -> None:
    run(capsys, "ingest", str(ARTICLES))
    history = fake_cli.parent / "chat_history"
    history.write_text("Who are the Zetas?\n")  # typed in an earlier session
    monkeypatch.setattr("sys.stdin", Terminal("What is EC3?\n"))  # then Ctrl-D
    code, out, _ = run(capsys, "chat")
    assert code == 0 and "\n> " in out and out.endswith("\n> \n")
    assert "Who are the Zetas?" in history.read_text()  # read at start, written back at the end


class SlowToLoad(FakeEmbedder):
    """The fake embedder, taking a moment to "load" on its first call."""

    def embed(self, texts):  # type: ignore[no-untyped-def]
        """Wait a little on the first call, as the real model does while loading."""
        if self.calls == 0:
            time.sleep(0.3)
        return super().embed(texts)


def test_chat_says_the_model_is_loading_before_the_first_answer(store, capsys) -> None:
    Collection(store, FakeEmbedder(), FAKE_ANSWER_CONFIG).ingest(shipped_articles())
    collection = Collection(store, SlowToLoad(), FAKE_ANSWER_CONFIG)
    stdin = io.StringIO("How many children were rescued in Europe?\nWhat is EC3?\n")
    assert chat.run(collection, stdin, sys.stdout) == 0
    out = capsys.readouterr().out
    assert out.count("Loading the model…") == 1
    assert out.index("Loading the model…") < out.index("In Europe, 8 children")


@pytest.fixture
def local_web(
    fake_cli: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> FeedServer:
    """The local test server, which the CLI may fetch from (configured, as a user would)."""
    monkeypatch.setenv("CYBERBRIEF_ALLOW_HOSTS", "127.0.0.1")
    return feed_server


STORY = [
    "Investigators dismantled a phishing ring that stole banking passwords from pensioners.",
    "The ring sent text messages posing as banks and collected the codes on fake websites.",
]


def test_ingest_a_web_page_by_url(local_web: FeedServer, capsys) -> None:
    local_web.set("/ring.html", page("Phishing ring dismantled", STORY), content_type="text/html")
    code, out, err = run(capsys, "ingest", local_web.url("/ring.html"))
    assert code == 0 and out.startswith("1 added"), err
    code, out, _ = run(capsys, "search", "phishing pensioners", "--json")
    assert json.loads(out.splitlines()[0])["title"] == "Phishing ring dismantled"


def test_ingest_url_refuses_private_addresses_without_configuration(
    fake_cli: Path, feed_server: FeedServer, capsys
) -> None:
    feed_server.set("/ring.html", page("Phishing ring dismantled", STORY), content_type="text/html")
    code, out, err = run(capsys, "ingest", feed_server.url("/ring.html"))
    assert code == 1 and "private or local address" in err and out.startswith("0 added")
    assert "set CYBERBRIEF_ALLOW_HOSTS=127.0.0.1)" in err


def test_feeds_add_list_poll_remove(local_web: FeedServer, capsys) -> None:
    item = {"title": "Phishing ring dismantled", "link": "https://n.example/1", "guid": "1"}
    old = {"title": "Hackers jailed", "link": "https://n.example/2", "guid": "2"}
    old |= {"pubDate": "Mon, 06 Jan 2020 10:00:00 GMT", "content": " ".join(STORY * 4)}
    feed = rss([{**item, "content": " ".join(STORY * 5)}, old], title="Wire")
    local_web.set("/wire.rss", feed)
    code, out, err = run(capsys, "feeds", "add", local_web.url("/wire.rss"))
    assert code == 0 and "following #1 Wire\n" in out, err
    assert "2 stored, 1 too old to alert (over 7 days); 0 alerts queued" in out
    code, out, _ = run(capsys, "feeds", "list")
    assert "#1 Wire" in out and "last poll 20" in out
    local_web.set("/wire.rss", "<html>not a feed</html>", content_type="text/html")
    code, out, _ = run(capsys, "feeds", "poll")
    assert code == 1 and "#1 Wire: failed:" in out and "not a feed" in out
    code, out, _ = run(capsys, "feeds", "list")
    assert "last error:" in out
    code, out, _ = run(capsys, "feeds", "remove", "1")
    assert code == 0 and "stopped following #1" in out
    code, _, err = run(capsys, "feeds", "remove", "1")
    assert code == 2 and "no feed #1" in err


def test_feeds_add_refuses_what_is_not_a_feed(local_web: FeedServer, capsys) -> None:
    local_web.set("/page.html", page("A page", STORY), content_type="text/html")
    code, _, err = run(capsys, "feeds", "add", local_web.url("/page.html"))
    assert code == 2 and "cannot follow" in err and "names no RSS or Atom feed" in err
    code, out, _ = run(capsys, "feeds", "list")
    assert "No feeds followed" in out


def test_briefing_prints_text_html_and_json(fake_cli: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, _ = run(capsys, "briefing", "--since", "2025-01-01")
    assert code == 0 and out.startswith("Nothing new since")  # 2006, 2012 and undated: old
    today = datetime.now(UTC).isoformat(timespec="seconds")
    records = [
        {"title": f"Story {n}", "text": text, "published": today, "url": f"https://x.example/{n}"}
        for n, text in enumerate(["Police arrested four ransomware suspects in Rotterdam."] * 2)
    ]
    records[1]["text"] = "Europol dismantled a phishing network targeting bank customers."
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    run(capsys, "ingest", str(news))
    code, out, _ = run(capsys, "briefing")
    assert code == 0 and out.startswith("Briefing: 2 stories since")
    assert "“" in out and f"Story 0\n  {today[:10]}" in out
    code, out, _ = run(capsys, "briefing", "--since", "24h", "--format", "html")
    assert code == 0 and out.startswith("📰 <b>Briefing</b> — 2 stories")
    code, out, _ = run(capsys, "briefing", "--since", "2099-01-01", "--format", "json")
    assert code == 0 and json.loads(out)["sections"] == []
    code, _, err = run(capsys, "briefing", "--since", "soon")
    assert code == 2 and "24h, 7d or 2w" in err
