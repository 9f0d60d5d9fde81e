"""The alerter the alert tests share."""

import pytest

from retrieval.alerts.alerter import Alerter
from retrieval.core.collection import Collection
from tests.alerts.test_alerts import THRESHOLD
from tests.conftest import ManualClock


@pytest.fixture
def alerter(collection: Collection, clock: ManualClock) -> Alerter:
    """An alerter over the fake-embedder collection, on a manual clock."""
    return Alerter(collection, clock, threshold=THRESHOLD)
