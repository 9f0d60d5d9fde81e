"""One subscription per topic and chat, muting, and the age past which news is not alerted."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlite_utils import Database

from retrieval.alerts.alerter import MAX_SUBSCRIPTIONS, Alerter
from retrieval.alerts.matching import topic_label
from retrieval.alerts.store import AlreadySubscribed
from retrieval.core.collection import Collection
from retrieval.core.migrations import migrations
from retrieval.core.store import Store
from tests.alerts.test_alerts import PHISHING, RANSOM, THRESHOLD, article
from tests.conftest import ManualClock

TOPIC = "ransomware gang arrests"


@pytest.fixture
def alerter(collection: Collection, clock: ManualClock) -> Alerter:
    """An alerter at the fake embedder's threshold, on the manual clock (2024-05-01 08:00)."""
    return Alerter(collection, clock=clock, threshold=THRESHOLD)


def test_the_same_topic_twice_in_a_chat_is_one_subscription(alerter: Alerter) -> None:
    first = alerter.subscribe(7, 1, TOPIC)
    for again in (TOPIC, "  Ransomware   GANG arrests ", TOPIC.upper()):
        with pytest.raises(AlreadySubscribed) as refused:
            alerter.subscribe(7, 2, again)
        assert refused.value.subscription.id == first.id
    assert [s.id for s in alerter.subscriptions(7)] == [first.id]
    assert alerter.subscribe(8, 1, TOPIC).id != first.id  # another chat
    alerter.unsubscribe(7, first.id)
    assert alerter.subscribe(7, 1, TOPIC).id != first.id  # after unsubscribing: again


def test_the_database_refuses_a_second_copy_even_past_the_check(alerter: Alerter) -> None:
    first = alerter.subscribe(7, 1, TOPIC)
    vector = np.ones(first.vector.shape, dtype=np.float32)
    with pytest.raises(AlreadySubscribed):  # two processes racing past subscription_on
        alerter.alerts.add_subscription(
            7, 1, TOPIC.title(), vector, "fake-bag-of-words", MAX_SUBSCRIPTIONS
        )


def test_upgrading_merges_duplicate_subscriptions_and_keeps_their_alerts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m012_subscriptions_and_owners")
    blob = np.zeros(4, dtype="<f4").tobytes()
    for sub_id, chat_id, topic in [(1, 7, TOPIC), (2, 7, f"{TOPIC.upper()} "), (3, 8, TOPIC)]:
        old["subscriptions"].insert(
            {
                "id": sub_id,
                "chat_id": chat_id,
                "topic": topic,
                "vector": blob,
                "after_article": 0,
                "paused": 0,
                "created_at": "2024-05-01T08:00:00+00:00",
            }
        )
    old["alerts"].insert(
        {
            "chat_id": 7,
            "story_id": 5,
            "subscription_id": 2,
            "state": "pending",
            "attempts": 0,
            "due_at": "2024-05-01T08:00:00+00:00",
        }
    )
    old.close()
    store = Store(path)  # applies the pending migrations
    rows = store.rows("SELECT id, chat_id, topic_key FROM subscriptions ORDER BY id")
    assert rows == [(1, 7, TOPIC), (3, 8, TOPIC)]
    assert store.rows("SELECT subscription_id FROM alerts") == [(1,)]
    store.close()


def test_a_muted_topic_hears_nothing_until_the_week_is_over(
    alerter: Alerter, collection: Collection, clock: ManualClock
) -> None:
    sub = alerter.subscribe(7, 1, TOPIC)
    muted = alerter.mute(7, sub.id)
    assert muted.muted_until == "2024-05-08T08:00:00+00:00"
    collection.ingest([article(RANSOM)])
    assert alerter.match_new() == 0  # muted: the story is skipped, not kept for later
    clock.advance(days=7, seconds=1)
    assert alerter.subscriptions(7)[0].muted_until is None  # the mute ran out
    retold = replace(article(RANSOM.replace("Four", "Six")), url="https://other.example/r")
    collection.ingest([retold])
    assert alerter.match_new() == 1
    assert alerter.mute(7, sub.id, None).muted_until is None


def test_news_older_than_the_setting_is_stored_but_not_alerted(
    collection: Collection, clock: ManualClock
) -> None:
    short = Alerter(collection, clock=clock, threshold=THRESHOLD)
    short.subscribe(7, 1, TOPIC)
    ten_days_old = replace(article(RANSOM), published="2024-04-21")
    collection.ingest([ten_days_old, article(PHISHING)])
    done = short.match()
    assert (done.articles, done.queued, done.too_old) == (2, 0, 1)
    long = Alerter(collection, clock=clock, threshold=THRESHOLD, news_age=timedelta(days=30))
    collection.ingest([replace(ten_days_old, url="https://late.example/r", title="Retold")])
    assert long.match().queued == 1


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("sextortion of minors -football", "sextortion of minors (without: football)"),
        ("  drug   cartels -football -Madrid ", "drug cartels (without: football, Madrid)"),
        ("e-mail fraud - scams", "e-mail fraud scams"),  # a lone dash is no word
        ("ransomware", "ransomware"),
    ],
)
def test_a_topic_is_shown_as_people_wrote_it(raw: str, label: str) -> None:
    assert topic_label(raw) == label
