"""The per-person flood limit, kept in the database so that every worker counts alike."""

import asyncio

from bot.flood import FloodGate
from retrieval.core.database import Database, open_target
from retrieval.workers.store import open_workers


def test_limit_per_person_warns_once_then_recovers(database: Database) -> None:
    now = [0.0]
    gate = FloodGate("questions", 2, 60, open_workers(database), clock=lambda: now[0])

    def outcomes(user: int, times: int) -> list[str]:
        return [asyncio.run(gate.check(user)).outcome for _ in range(times)]

    assert outcomes(1, 4) == ["answer", "answer", "warn", "ignore"]
    assert outcomes(2, 1) == ["answer"]
    now[0] = 30
    verdict = asyncio.run(gate.check(1))
    assert verdict.outcome == "ignore" and verdict.wait == 30
    now[0] = 60.5
    assert outcomes(1, 3) == ["answer", "answer", "warn"]


def test_every_worker_counts_the_same_questions(database_target: str) -> None:
    stores = [open_target(database_target) for _ in range(2)]
    try:
        gates = [FloodGate("questions", 3, 60, open_workers(s), clock=lambda: 5.0) for s in stores]
        outcomes = [asyncio.run(gates[n % 2].check(7)).outcome for n in range(5)]
        assert outcomes == ["answer", "answer", "answer", "warn", "ignore"]
        other = FloodGate("briefings", 3, 60, open_workers(stores[0]), clock=lambda: 5.0)
        assert asyncio.run(other.check(7)).outcome == "answer"  # another gate counts apart
    finally:
        for store in stores:
            store.close()


def test_zero_turns_the_gate_off(database: Database) -> None:
    gate = FloodGate("questions", 0, 60, open_workers(database))
    assert {asyncio.run(gate.check(1)).outcome for _ in range(100)} == {"answer"}
