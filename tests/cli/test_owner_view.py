"""The owner's view on the command line: articles list, show, remove (for good), and stats."""

import json
from pathlib import Path

import pytest

from retrieval.core.collection import Collection
from retrieval.core.store import Store
from tests.cli import test_cli
from tests.cli.test_cli import ARTICLES, STORY, run
from tests.conftest import FakeEmbedder
from tests.feedserver import FeedServer, rss

fake_cli = test_cli.fake_cli  # the CLI's fixtures: fake embedder, temporary database
local_web = test_cli.local_web


def test_articles_list_show_and_remove(fake_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, _ = run(capsys, "articles", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3 and lines[0].startswith("#3  undated  InSight Crime")
    assert (
        lines[2]
        == "#1  2006-06-05  U.S. Embassy in Mexico — Cybercrime: The Dark Side of the Internet"
    )
    code, out, _ = run(capsys, "articles", "list", "--source", "insight crime", "--limit", "1")
    assert out.startswith("#3 ") and len(out.splitlines()) == 1
    code, out, _ = run(capsys, "articles", "show", "2")
    assert code == 0 and "published: 2012-05-03" in out and "Malmström" in out
    code, out, _ = run(capsys, "ask", "What did Cecilia Malmström say?", "--json")
    assert json.loads(out)["sources"][0]["article_id"] == 2
    code, out, _ = run(capsys, "articles", "remove", "2")
    assert code == 0 and out.startswith("removed #2  2012-05-03")
    store = Store(fake_cli)
    for table in ("chunks", "sentences", "stories"):
        assert store.rows(f"SELECT count(*) FROM {table} WHERE article_id = 2") == [(0,)]
    assert "malmstrom" not in Collection(store, FakeEmbedder()).vocabulary()  # no index entry
    store.close()
    code, out, _ = run(capsys, "ask", "What did Cecilia Malmström say?", "--json")
    assert all(source["article_id"] != 2 for source in json.loads(out)["sources"])
    code, _, err = run(capsys, "articles", "show", "2")
    assert code == 2 and "no article #2" in err
    assert run(capsys, "articles", "remove", "2")[0] == 2


def test_a_removed_feed_article_does_not_come_back(
    local_web: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"title": "Ring dismantled", "link": "https://n.example/1", "guid": "1"}
    local_web.set("/wire.rss", rss([{**item, "content": " ".join(STORY * 5)}], title="Wire"))
    run(capsys, "feeds", "add", local_web.url("/wire.rss"))
    code, out, _ = run(capsys, "articles", "show", "1")
    assert "from feeds: Wire" in out
    run(capsys, "articles", "remove", "1")
    code, out, _ = run(capsys, "feeds", "poll")
    assert code == 0 and "0 stored" in out
    assert run(capsys, "articles", "list")[1].startswith("No articles stored")


def test_stats_count_articles_feeds_and_questions(
    fake_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "ingest", str(ARTICLES))
    code, out, _ = run(capsys, "stats")
    assert code == 0
    assert out.startswith(
        "articles: 3 from 3 outlets (3 stored in the last 7 days; newest 2012-05-03)"
    )
    assert "feeds: 0 (0 failing)" in out
    assert "questions in the last 7 days: 0 answered, 0 not covered by the articles" in out
    assert "votes in the last 7 days: 👍 0, 👎 0" in out
