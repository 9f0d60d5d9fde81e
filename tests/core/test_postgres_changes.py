"""The chunk change log on PostgreSQL: what another worker writes is searchable at once."""

from retrieval.core.collection import Collection
from retrieval.core.database import open_target
from retrieval.text.raw import RawArticle
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder, shipped_articles


def test_an_article_another_worker_stores_is_found_by_keywords_and_meaning(
    postgres_url: str,
) -> None:
    searching = Collection(open_target(postgres_url), FakeEmbedder(), FAKE_ANSWER_CONFIG)
    writing = Collection(open_target(postgres_url), FakeEmbedder(), FAKE_ANSWER_CONFIG)
    writing.ingest(shipped_articles())
    assert searching.search("drug cartels social networks", 3).hits  # built from the database
    text = "Quokkas smuggled through Perth airport were seized by customs officers."
    writing.ingest([RawArticle(title="Quokka smuggling", text=text, origin="q")])
    for mode in ("bm25", "dense", "hybrid"):
        hits = searching.search("quokkas smuggled", 3, mode=mode).hits
        assert searching.store.article(hits[0].article_id).title == "Quokka smuggling", mode
    searching.close(), writing.close()
