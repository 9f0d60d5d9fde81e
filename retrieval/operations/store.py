"""The owner's view in the database: the bot's owners (configured and stored)."""

from dataclasses import dataclass

from retrieval.core.store import Store, utc_now


@dataclass(frozen=True)
class Owner:
    """A Telegram user who manages the bot's feeds, and where that was decided."""

    user_id: int
    origin: str  # "environment", or who added it to the database and when


class Owners:
    """Owners from CYBERBRIEF_OWNERS plus those added with `cyberbrief owners add`."""

    def __init__(self, store: Store, configured: frozenset[int] = frozenset()) -> None:
        self.store = store
        self.configured = configured

    def ids(self) -> frozenset[int]:
        """Every owner's Telegram user id; read afresh, so owners added meanwhile count."""
        stored = {row[0] for row in self.store.rows("SELECT user_id FROM owners")}
        return self.configured | stored

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.ids()

    def all(self) -> list[Owner]:
        """Every owner with where it comes from, by id."""
        stored = {
            user_id: f"added {added_at[:10]}" + (f" by {added_by}" if added_by else "")
            for user_id, added_by, added_at in self.store.rows(
                "SELECT user_id, added_by, added_at FROM owners"
            )
        }
        found = {user_id: "environment (CYBERBRIEF_OWNERS)" for user_id in self.configured}
        found |= {k: v for k, v in stored.items() if k not in found}
        return [Owner(user_id, found[user_id]) for user_id in sorted(found)]

    def add(self, user_id: int, added_by: str | None = None) -> bool:
        """Store an owner; False if they were one already."""
        if user_id in self.ids():
            return False
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO owners (user_id, added_by, added_at) VALUES (?, ?, ?)",
                [user_id, added_by, utc_now()],
            )
        return True

    def remove(self, user_id: int) -> bool:
        """Remove a stored owner; False if the database did not hold them."""
        with self.store.transaction() as db:
            return db.execute("DELETE FROM owners WHERE user_id = ?", [user_id]).rowcount > 0
