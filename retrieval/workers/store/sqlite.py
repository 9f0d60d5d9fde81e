"""The workers' shared state in SQLite: updates seen, sending schedules, flood counts."""

import json
from collections.abc import Mapping

from retrieval.core.store import Store, marks
from retrieval.workers.flood import FloodLimit, FloodState, Verdict, admit
from retrieval.workers.slots import Limit, reserve
from retrieval.workers.store.records import KEEP_UPDATES


class SqliteWorkerStore:
    """Updates seen, sending schedules and flood counts, in a SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def first_sight(self, bot_id: int, update_id: int, now: float) -> bool:
        """Remember a bot's update; False if a worker has seen it already (it came again)."""
        with self.store.transaction() as db:
            if update_id % 1000 == 0:  # now and then, forget the old ones
                db.execute("DELETE FROM updates WHERE seen_at < ?", [now - KEEP_UPDATES])
            cursor = db.execute(
                "INSERT INTO updates (bot_id, update_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT (bot_id, update_id) DO NOTHING",
                [bot_id, update_id, now],
            )
            return cursor.rowcount == 1

    def reserve(self, limits: Mapping[str, Limit], now: float) -> float:
        """Take the next sending slot under every limit; when (epoch seconds) it comes."""
        keys = sorted(limits)
        with self.store.transaction() as db:
            # A write first takes the database's write lock (waiting for another worker's):
            # one worker reckons at a time, and none reads a schedule another is changing.
            db.conn.executemany(
                "INSERT INTO send_slots (key, due) VALUES (?, 0) ON CONFLICT (key) DO NOTHING",
                [(key,) for key in keys],
            )
            schedule = dict(
                db.execute(
                    f"SELECT key, due FROM send_slots WHERE key IN ({marks(keys)})", keys
                ).fetchall()
            )
            start, after = reserve(schedule, limits, now)
            db.conn.executemany(
                "INSERT INTO send_slots (key, due) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET due = excluded.due",
                sorted(after.items()),
            )
        return start

    def admit(self, gate: str, user_id: int, now: float, limit: FloodLimit) -> Verdict:
        """Count a person's question at a gate ("questions", "briefings") against the limit."""
        with self.store.transaction() as db:
            cursor = db.execute(  # a write first: the lock, before reading the count
                "INSERT INTO floods (gate, user_id, asked, warned, last_at) "
                "VALUES (?, ?, '[]', 0, ?) ON CONFLICT (gate, user_id) DO NOTHING",
                [gate, user_id, now],
            )
            if cursor.rowcount:  # someone new (or back after a pause): forget the idle
                db.execute(
                    "DELETE FROM floods WHERE gate = ? AND last_at <= ?",
                    [gate, now - limit.window],
                )
            found = db.execute(
                "SELECT asked, warned FROM floods WHERE gate = ? AND user_id = ?", [gate, user_id]
            ).fetchall()
            asked, warned = found[0] if found else ("[]", 0)
            verdict, state = admit(FloodState(tuple(json.loads(asked)), bool(warned)), now, limit)
            db.execute(
                "INSERT INTO floods (gate, user_id, asked, warned, last_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (gate, user_id) DO UPDATE SET asked = excluded.asked, "
                "warned = excluded.warned, last_at = excluded.last_at",
                [gate, user_id, json.dumps(state.asked), int(state.warned), now],
            )
        return verdict
