"""The local PostgreSQL server of the tests (deploy/postgres.sh): a fresh database per test."""

import itertools
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from retrieval.core.postgres import PostgresStore

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "postgres.sh"
_names = itertools.count()


def server_url() -> str:
    """The server's URL: CYBERBRIEF_TEST_POSTGRES, else the running deploy/postgres.sh server.

    Under CI=true a missing server fails the tests that need it; elsewhere it skips them.
    """
    url = os.environ.get("CYBERBRIEF_TEST_POSTGRES", "")
    if not url:
        found = subprocess.run([SCRIPT, "url"], capture_output=True, text=True, check=False)
        url = found.stdout.strip()
    problem = "" if url else "no PostgreSQL server: run `make postgres` (or make test)"
    if url:
        try:
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.OperationalError as error:
            problem = f"the PostgreSQL server at {url} cannot be reached: {error}"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return url


def with_database(url: str, name: str) -> str:
    """The URL of another database on the same server."""
    return url.rsplit("/", 1)[0] + "/" + name


class Databases:
    """Creates databases on the server from one template holding the migrated schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = f"cyberbrief_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.template)
        self._admin("CREATE DATABASE {}", self.template)
        PostgresStore(with_database(url, self.template)).close()  # migrates it

    def _admin(self, statement: str, name: str, *more: str) -> None:
        """Run a statement naming databases, outside any transaction."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                psycopg.sql.SQL(statement).format(  # type: ignore[arg-type]
                    *(psycopg.sql.Identifier(n) for n in (name, *more))
                )
            )

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """A new database with the schema, dropped afterwards; yields its URL."""
        name = f"{self.prefix}_{next(_names)}"
        self._admin("CREATE DATABASE {} TEMPLATE {}", name, self.template)
        try:
            yield with_database(self.url, name)
        finally:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def close(self) -> None:
        """Drop the template."""
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.template)
