"""The workers' shared state in PostgreSQL: updates seen, sending schedules, flood counts."""

import json
from collections.abc import Mapping

from retrieval.core.postgres import PostgresStore
from retrieval.workers.flood import FloodLimit, FloodState, Verdict, admit
from retrieval.workers.slots import Limit, reserve
from retrieval.workers.store.records import KEEP_UPDATES


class PostgresWorkerStore:
    """Updates seen, sending schedules and flood counts, in a PostgreSQL database."""

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

    def admit(self, gate: str, user_id: int, now: float, limit: FloodLimit) -> Verdict:
        """Count a person's question at a gate ("questions", "briefings") against the limit."""
        with self.store.transaction() as conn:
            created = conn.execute(
                "INSERT INTO floods (gate, user_id, asked, warned, last_at) "
                "VALUES (%s, %s, '[]', 0, %s) ON CONFLICT (gate, user_id) DO NOTHING",
                [gate, user_id, now],
            ).rowcount
            if created:  # someone new (or back after a pause): forget the idle
                conn.execute(
                    "DELETE FROM floods WHERE gate = %s AND last_at <= %s",
                    [gate, now - limit.window],
                )
            found = conn.execute(
                "SELECT asked, warned FROM floods WHERE gate = %s AND user_id = %s FOR UPDATE",
                [gate, user_id],
            ).fetchone()
            asked, warned = found if found else ("[]", 0)
            verdict, state = admit(FloodState(tuple(json.loads(asked)), bool(warned)), now, limit)
            conn.execute(
                "INSERT INTO floods (gate, user_id, asked, warned, last_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (gate, user_id) DO UPDATE SET "
                "asked = excluded.asked, warned = excluded.warned, last_at = excluded.last_at",
                [gate, user_id, json.dumps(state.asked), int(state.warned), now],
            )
        return verdict
