"""The workers' shared state in SQLite: updates seen and sending schedules."""

from collections.abc import Mapping

from retrieval.core.store import Store, marks
from retrieval.workers.slots import Limit, reserve
from retrieval.workers.store.records import KEEP_UPDATES


class SqliteWorkerStore:
    """Updates seen and sending schedules, in a SQLite file."""

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
