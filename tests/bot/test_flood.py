"""The per-person flood limit."""

from bot.flood import FloodGate


def test_limit_per_person_warns_once_then_recovers() -> None:
    now = [0.0]
    gate = FloodGate(limit=2, window=60, clock=lambda: now[0])
    assert [gate.check(1).outcome for _ in range(4)] == ["answer", "answer", "warn", "ignore"]
    assert gate.check(2).outcome == "answer"
    now[0] = 30
    verdict = gate.check(1)
    assert verdict.outcome == "ignore" and verdict.wait == 30
    now[0] = 60.5
    assert [gate.check(1).outcome for _ in range(3)] == ["answer", "answer", "warn"]


def test_zero_turns_the_gate_off() -> None:
    gate = FloodGate(limit=0, window=60)
    assert {gate.check(1).outcome for _ in range(100)} == {"answer"}
