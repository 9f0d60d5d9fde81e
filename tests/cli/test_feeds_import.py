"""feeds import and export: an OPML list pointing at a local server, followed and written back."""

import io
from pathlib import Path

import pytest

from retrieval.news.opml import OpmlFeed, read_opml, write_opml
from tests.cli import test_cli
from tests.cli.test_cli import run
from tests.feedserver import FeedServer, rss
from tests.news.test_poller import PHISHING, RANSOMWARE, item

fake_cli = test_cli.fake_cli  # the CLI's fixtures: fake embedder, temporary database
local_web = test_cli.local_web  # and the local server it may fetch from

HOME = (
    '<html><head><link rel="alternate" type="application/rss+xml" href="/news.rss">'
    "</head><body><p>Welcome</p></body></html>"
)


def starter(server: FeedServer, folder: Path) -> Path:
    """An OPML list: a feed, a home page naming its feed, a missing feed; on the local server."""
    server.set("/wire.rss", rss([item(1, RANSOMWARE)], title="Wire"))
    server.set("/", HOME, "text/html")
    server.set("/news.rss", rss([item(2, PHISHING)], title="Site News"))
    entries = [
        OpmlFeed(server.url("/wire.rss"), "Wire", language="en", category="News"),
        OpmlFeed(server.url("/"), "Site", language="es", category="Noticias"),
        OpmlFeed(server.url("/gone.rss"), "Gone", language="en"),
    ]
    path = folder / "starter.opml"
    path.write_text(write_opml(entries, "starter"), encoding="utf-8")
    return path


def test_import_follows_each_feed_then_poll_reads_them_and_export_lists_them(
    local_web: FeedServer,
    tmp_path: Path,
    capsys,
) -> None:
    opml = starter(local_web, tmp_path)
    code, out, err = run(capsys, "feeds", "import", str(opml))
    assert code == 1  # one feed could not be followed
    assert "following #1 Wire" in out and "following #2 Site" in out
    assert local_web.url("/news.rss") in out  # the page's own feed, not the page
    assert "failed: Gone:" in err and "HTTP 404" in err
    assert "2 feeds followed, 0 already followed, 1 failed" in out
    code, out, _ = run(capsys, "feeds", "poll")
    assert code == 0 and "2 stored" in out
    code, out, _ = run(capsys, "feeds", "import", str(opml))
    assert "0 feeds followed, 2 already followed, 1 failed" in out
    code, out, _ = run(capsys, "feeds", "export")
    assert code == 0
    assert [(f.url, f.title) for f in read_opml(out)] == [
        (local_web.url("/wire.rss"), "Wire"),
        (local_web.url("/news.rss"), "Site News"),
    ]
    written = tmp_path / "out.opml"
    assert run(capsys, "feeds", "export", "--output", str(written))[0] == 0
    assert read_opml(written.read_bytes()) == read_opml(out)


def test_the_offer_imports_only_when_no_feed_is_followed_and_someone_says_yes(
    local_web: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opml = starter(local_web, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal (CI): nothing asked
    assert run(capsys, "feeds", "import", str(opml), "--offer") == (0, "", "")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, _ = run(capsys, "feeds", "import", str(opml), "--offer")
    assert code == 0 and "Follow the 3 feeds" in out and "feeds followed," not in out
    monkeypatch.setattr("sys.stdin", Terminal("\n"))
    code, out, _ = run(capsys, "feeds", "import", str(opml), "--offer")
    assert "2 feeds followed" in out
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))  # feeds followed now: not offered again
    assert run(capsys, "feeds", "import", str(opml), "--offer") == (0, "", "")


def test_a_file_that_is_not_opml_is_refused_in_one_line(
    local_web: FeedServer,
    tmp_path: Path,
    capsys,
) -> None:
    bad = tmp_path / "feeds.opml"
    bad.write_text("<rss version='2.0'/>", encoding="utf-8")
    code, _, err = run(capsys, "feeds", "import", str(bad))
    assert code == 2 and "not an OPML document" in err
    code, _, err = run(capsys, "feeds", "import", str(tmp_path / "missing.opml"))
    assert code == 2 and "cannot read" in err
