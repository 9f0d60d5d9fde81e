"""The workers' shared state in PostgreSQL: updates seen and sending schedules."""

from collections.abc import Mapping

from retrieval.core.postgres import PostgresStore
from retrieval.workers.slots import Limit, reserve
from retrieval.workers.store.records import KEEP_UPDATES


class PostgresWorkerStore:
    """Updates seen and sending schedules, in a PostgreSQL database."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def first_sight(self, bot_id: int, update_id: int, now: float) -> bool:
        """Remember a bot's update; False if a worker has seen it already (it came again)."""
        with self.store.transaction() as conn:
            if update_id % 1000 == 0:  # now and then, forget the old ones
                conn.execute("DELETE FROM updates WHERE seen_at < %s", [now - KEEP_UPDATES])
            cursor = conn.execute(
                "INSERT INTO updates (bot_id, update_id, seen_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (bot_id, update_id) DO NOTHING",
                [bot_id, update_id, now],
            )
            return cursor.rowcount == 1

    def reserve(self, limits: Mapping[str, Limit], now: float) -> float:
        """Take the next sending slot under every limit; when (epoch seconds) it comes."""
        keys = sorted(limits)  # locked in one order by every worker: no deadlock
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO send_slots (key, due) SELECT unnest(%s::text[]), 0 "
                "ON CONFLICT (key) DO NOTHING",
                [keys],
            )
            schedule = dict(
                conn.execute(
                    "SELECT key, due FROM send_slots WHERE key = ANY(%s) ORDER BY key FOR UPDATE",
                    [keys],
                ).fetchall()
            )
            start, after = reserve(schedule, limits, now)
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE send_slots SET due = %s WHERE key = %s",
                    [(due, key) for key, due in sorted(after.items())],
                )
        return start
