"""Several processes and crashes: each alert claimed once and none lost; limits hold."""

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.alerts.alerter import MAX_SUBSCRIPTIONS, SEND_LEASE, Alerter
from retrieval.alerts.store import TooManySubscriptions, open_alerts
from retrieval.core.collection import Collection
from retrieval.core.database import open_target
from tests.alerts.test_alerts import RANSOM, THRESHOLD, article, sending_one, store
from tests.conftest import FakeEmbedder, ManualClock


def test_an_alert_cut_off_mid_send_is_sent_again_once_its_claim_lapses(
    alerter: Alerter, collection: Collection, clock: ManualClock
) -> None:
    sending_one(alerter, collection)  # claimed; Telegram's reply never recorded: the bot died
    restarted = Alerter(collection, clock, threshold=THRESHOLD)
    clock.advance(seconds=SEND_LEASE.total_seconds() - 1)
    assert restarted.deliveries() == []  # perhaps another bot, still sending it
    clock.advance(seconds=1)
    (again,) = restarted.deliveries()
    assert [s.article.id for s in again.stories] == [1]
    restarted.delivered(restarted.claim(again), message_id=7)
    clock.advance(days=1)
    assert restarted.deliveries() == [] and restarted.alerts.counts() == {"sent": 1}


def test_an_alert_telegram_accepted_is_never_sent_again(
    alerter: Alerter, collection: Collection, clock: ManualClock
) -> None:
    delivery = sending_one(alerter, collection)
    alerter.delivered(delivery, message_id=42)
    clock.advance(days=1)
    assert Alerter(collection, clock, threshold=THRESHOLD).deliveries() == []


def test_of_two_processes_claiming_one_alert_one_gets_it(
    alerter: Alerter, collection: Collection, clock: ManualClock, database_target: str
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    store(collection, article(RANSOM))
    alerter.match_new()
    other = open_target(database_target)  # a second process on the collection's database
    second = Alerter(Collection(other, collection.embedder), clock, threshold=THRESHOLD)
    (mine,), (theirs,) = alerter.deliveries(), second.deliveries()  # both see it due
    claimed = [alerter.claim(mine), second.claim(theirs)]
    assert sorted(len(part.stories) for part in claimed) == [0, 1]
    other.close()


class SlowEmbedder(FakeEmbedder):
    """The fake embedder taking the time the real model takes for a topic."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Wait a little, then embed."""
        time.sleep(0.05)
        return super().embed(texts)


def test_concurrent_subscriptions_stop_at_the_limit(
    database_target: str, clock: ManualClock
) -> None:
    stores = [open_target(database_target) for _ in range(5)]  # five processes
    alerters = [Alerter(Collection(s, SlowEmbedder()), clock, threshold=THRESHOLD) for s in stores]
    refused: list[TooManySubscriptions] = []

    def subscribe(alerter: Alerter, n: int) -> None:
        for k in range(5):
            try:
                alerter.subscribe(1, 10, f"topic number {n} {k}")
            except TooManySubscriptions as error:
                refused.append(error)

    threads = [threading.Thread(target=subscribe, args=(a, n)) for n, a in enumerate(alerters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(alerters[0].subscriptions(1)) == MAX_SUBSCRIPTIONS and len(refused) == 5
    for opened in stores:
        opened.close()


def test_workers_claiming_the_same_alerts_at_once_share_none(
    collection: Collection, database_target: str, clock: ManualClock
) -> None:
    alerts = open_alerts(collection.store)
    story = store(collection, article(RANSOM))[0]
    vector = np.ones(collection.embedder.dimension, np.float32)
    queued = [
        (chat, alerts.add_subscription(chat, chat, "ransomware", vector, "m", 10).id)
        for chat in range(1, 61)
    ]
    alerts.record_match(story, story, queued, clock())
    ids = [entry.id for entry in alerts.due(clock())]
    databases = [open_target(database_target) for _ in range(4)]  # four processes
    workers = [open_alerts(database) for database in databases]
    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(lambda n: workers[n % 4].claim(ids, clock()), range(16)))
    claimed = [alert for part in taken for alert in part]
    assert sorted(claimed) == sorted(ids)  # each alert to one worker, none left
    for database in databases:
        database.close()
