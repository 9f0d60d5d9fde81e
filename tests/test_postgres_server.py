"""The tests' PostgreSQL server: found through make test or deploy/postgres.sh; under CI=true
a missing or unreachable server fails the tests that need it instead of skipping them."""

import psycopg
import pytest

from tests.postgres import server_url


def test_an_unreachable_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERBRIEF_TEST_POSTGRES", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot be reached"):
        server_url()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="cannot be reached"):
        server_url()


def test_the_server_listens_on_the_loopback_address_only_with_pgvector(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        found = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert found.fetchone() == ("0.8.0",)
