"""The briefing tests' collection, on SQLite and on PostgreSQL."""

import pytest

from retrieval.core.collection import Collection
from retrieval.core.database import Database
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder


@pytest.fixture
def collection(database: Database, fake_embedder: FakeEmbedder) -> Collection:
    """An empty collection with the fake embedder, once in each backend."""
    return Collection(database, fake_embedder, FAKE_ANSWER_CONFIG)
