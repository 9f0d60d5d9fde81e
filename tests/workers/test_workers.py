"""What several workers share through the database, on SQLite and on PostgreSQL alike."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from retrieval.core.database import Database, open_target
from retrieval.workers.slots import Limit, reserve
from retrieval.workers.store import KEEP_UPDATES, open_workers

PER_SECOND = Limit(10, 1.0)
PER_GROUP = Limit(20, 60.0)


def test_a_burst_goes_at_once_then_sends_keep_the_steady_rate() -> None:
    schedule: dict[str, float] = {}
    starts = []
    for _ in range(12):
        start, schedule = reserve(schedule, {"bot": PER_SECOND}, now=100.0)
        starts.append(start)
    assert starts == [100.0] * 10 + [pytest.approx(100.1), pytest.approx(100.2)]
    start, _ = reserve(schedule, {"bot": PER_SECOND}, now=105.0)  # idle meanwhile: at once
    assert start == 105.0


def test_a_send_waits_for_the_strictest_of_its_limits() -> None:
    schedule = {"bot": 100.0, "chat:-5": 100.0 + 60.0}  # the group's burst is spent
    start, after = reserve(schedule, {"bot": PER_SECOND, "chat:-5": PER_GROUP}, now=100.0)
    assert start == pytest.approx(103.0)  # one group slot every 3 s
    assert after == {"bot": pytest.approx(103.1), "chat:-5": pytest.approx(163.0)}


def test_an_update_is_handled_by_one_worker_only(database_target: str) -> None:
    first, second = open_target(database_target), open_target(database_target)
    try:
        mine, theirs = open_workers(first), open_workers(second)
        assert mine.first_sight(7, 41, now=1000.0)
        assert not theirs.first_sight(7, 41, now=1001.0)  # Telegram retried: dropped
        assert theirs.first_sight(7, 42, now=1001.0)
        assert theirs.first_sight(8, 41, now=1001.0)  # another bot's update 41
        assert mine.first_sight(7, 1000, now=1000.0 + KEEP_UPDATES + 1)  # and forgets old ones
        assert mine.first_sight(7, 41, now=1000.0 + KEEP_UPDATES + 2)
    finally:
        first.close()
        second.close()


def test_workers_reserving_at_once_never_share_a_slot(database_target: str) -> None:
    stores: list[Database] = [open_target(database_target) for _ in range(4)]
    try:
        workers = [open_workers(store) for store in stores]
        limits = {"bot": PER_SECOND, "chat:-5": Limit(40, 2.0)}

        def send(n: int) -> float:
            return workers[n % 4].reserve(limits, now=1000.0)

        with ThreadPoolExecutor(4) as pool:
            starts = sorted(pool.map(send, range(50)))
        expected = sorted(1000.0 + max(0, k - 9) * 0.1 for k in range(50))
        assert starts == pytest.approx(expected)
    finally:
        for store in stores:
            store.close()
