"""`cyberbrief ingest` tells web addresses from file paths, however the scheme is written."""

from pathlib import Path

import pytest

from retrieval.cli import main as cli
from retrieval.core.collection import Collection
from retrieval.core.store import Store
from tests.conftest import FakeEmbedder
from tests.feedserver import FeedServer, page


@pytest.mark.parametrize("scheme", ["HTTP", "Http"])
def test_ingest_an_upper_case_url_fetches_the_page(
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scheme: str,
) -> None:
    monkeypatch.setenv("CYBERBRIEF_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("CYBERBRIEF_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setattr(
        Collection,
        "open",
        classmethod(lambda cls, settings: cls(Store(settings.db_path), FakeEmbedder())),
    )
    story = ["Investigators dismantled a phishing ring that stole passwords from pensioners."]
    feed_server.set("/ring.html", page("Phishing ring dismantled", story), "text/html")
    url = feed_server.url("/ring.html").replace("http", scheme, 1)
    code = cli.main(["ingest", url])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("1 added"), err
