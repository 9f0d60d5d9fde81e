"""The alerter the alert tests share, on SQLite and on PostgreSQL."""

import pytest

from retrieval.alerts.alerter import Alerter
from retrieval.core.collection import Collection
from retrieval.core.database import Database
from tests.alerts.test_alerts import THRESHOLD
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder, ManualClock


@pytest.fixture
def collection(database: Database, fake_embedder: FakeEmbedder) -> Collection:
    """An empty collection with the fake embedder, once in each backend."""
    return Collection(database, fake_embedder, FAKE_ANSWER_CONFIG)


@pytest.fixture
def alerter(collection: Collection, clock: ManualClock) -> Alerter:
    """An alerter over the fake-embedder collection, on a manual clock."""
    return Alerter(collection, clock, threshold=THRESHOLD)
