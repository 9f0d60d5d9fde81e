"""The database schema, as an ordered list of migrations: never edit one that has shipped."""

import uuid
from collections import Counter

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from retrieval.text.query import word_stems

migrations = Migrations("cyberbrief")

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


@migrations()
def m001_articles(db: Database) -> None:
    """Articles, their chunks and sentences with vectors, and a full-text index over chunks."""
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "origin": str,
            "title": str,
            "source": str,
            "published": str,
            "language": str,
            "text": str,
            "content_hash": str,
            "ingested_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "text", "content_hash", "ingested_at", "updated_at"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["origin"])
    db.table("articles").create_index(["content_hash"])
    db.table("articles").create_index(["published"])
    db.table("chunks").create(
        {"id": int, "article_id": int, "ord": int, "start": int, "end": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "ord", "start", "end"},
    )
    db.table("chunks").create_index(["article_id", "ord"], unique=True)
    db.table("sentences").create(
        {"id": int, "article_id": int, "ord": int, "start": int, "end": int, "vector": bytes},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "ord", "start", "end"},
    )
    db.table("sentences").create_index(["article_id", "ord"], unique=True)
    db.table("embeddings").create(
        {"chunk_id": int, "model": str, "vector": bytes},
        pk="chunk_id",
        foreign_keys=[("chunk_id", "chunks", "id")],
        not_null={"model", "vector"},
    )
    db.table("embeddings").create_index(["model"])
    db.execute(
        f"CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, tokenize='{FTS_TOKENIZER}')"
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("meta").insert({"key": "generation", "value": "0"})


@migrations()
def m002_conversations(db: Database) -> None:
    """Answers given in chats, the messages that carried them, feedback, and chat settings."""
    db.table("answers").create(
        {
            "id": int,
            "chat_id": int,
            "user_id": int,
            "question": str,
            "query": str,
            "abstained": int,
            "sources": str,
            "asked_at": str,
        },
        pk="id",
        not_null={"chat_id", "user_id", "question", "query", "abstained", "sources", "asked_at"},
    )
    db.table("answers").create_index(["chat_id", "user_id", "id"])
    db.table("answer_messages").create(
        {"chat_id": int, "message_id": int, "answer_id": int},
        pk=("chat_id", "message_id"),
        foreign_keys=[("answer_id", "answers", "id")],
        not_null={"answer_id"},
    )
    db.table("feedback").create(
        {
            "answer_id": int,
            "user_id": int,
            "chat_id": int,
            "vote": int,
            "question": str,
            "sources": str,
            "given_at": str,
        },
        pk=("answer_id", "user_id"),
        foreign_keys=[("answer_id", "answers", "id")],
        not_null={"chat_id", "vote", "question", "sources", "given_at"},
    )
    db.table("chat_settings").create(
        {"chat_id": int, "link_previews": int, "updated_at": str},
        pk="chat_id",
        not_null={"link_previews", "updated_at"},
    )


@migrations()
def m003_alerts(db: Database) -> None:
    """Feeds and their items, stories grouping near-duplicates, subscriptions, and the outbox."""
    db.table("feeds").create(
        {
            "id": int,
            "url": str,
            "title": str,
            "interval_minutes": int,
            "etag": str,
            "last_modified": str,
            "last_polled_at": str,
            "next_poll_at": str,
            "last_error": str,
            "errors": int,
            "added_by": int,
            "added_at": str,
        },
        pk="id",
        not_null={"url", "interval_minutes", "errors", "added_at", "next_poll_at"},
    )
    db.table("feeds").create_index(["url"], unique=True)
    db.table("feed_items").create(
        {
            "feed_id": int,
            "guid": str,
            "url": str,
            "item_hash": str,
            "article_id": int,
            "seen_at": str,
        },
        pk=("feed_id", "guid"),
        foreign_keys=[("feed_id", "feeds", "id"), ("article_id", "articles", "id")],
        not_null={"seen_at"},
    )
    db.table("feed_items").create_index(["article_id"])
    db.table("stories").create(
        {"article_id": int, "story_id": int},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"story_id"},
    )
    db.table("stories").create_index(["story_id"])
    db.table("subscriptions").create(
        {
            "id": int,
            "chat_id": int,
            "user_id": int,
            "topic": str,
            "vector": bytes,
            "after_article": int,
            "paused": int,
            "created_at": str,
        },
        pk="id",
        not_null={"chat_id", "topic", "vector", "after_article", "paused", "created_at"},
    )
    db.table("subscriptions").create_index(["chat_id"])
    db.table("alerts").create(
        {
            "id": int,
            "chat_id": int,
            "story_id": int,
            "subscription_id": int,
            "state": str,
            "attempts": int,
            "due_at": str,
            "created_at": str,
            "sent_at": str,
            "message_id": int,
            "last_error": str,
        },
        pk="id",
        not_null={"chat_id", "story_id", "subscription_id", "state", "attempts", "due_at"},
    )
    db.table("alerts").create_index(["chat_id", "story_id"], unique=True)
    db.table("alerts").create_index(["state", "due_at"])
    max_id = db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    db.table("meta").insert({"key": "matched_through", "value": str(max_id)})


@migrations()
def m004_briefings(db: Database) -> None:
    """Briefing schedules per chat, the briefings sent, and the messages that carried them."""
    db.table("schedules").create(
        {
            "chat_id": int,
            "every": str,
            "weekday": int,
            "at": str,
            "timezone": str,
            "next_run_at": str,
            "set_by": int,
            "updated_at": str,
        },
        pk="chat_id",
        not_null={"every", "at", "timezone", "next_run_at", "updated_at"},
    )
    db.table("briefings").create(
        {
            "id": int,
            "chat_id": int,
            "since": str,
            "until": str,
            "article_ids": str,
            "state": str,
            "created_at": str,
        },
        pk="id",
        not_null={"chat_id", "since", "until", "article_ids", "state", "created_at"},
    )
    db.table("briefings").create_index(["chat_id", "id"])
    db.table("articles").create_index(["ingested_at"])
    db.table("briefing_messages").create(
        {"chat_id": int, "message_id": int, "briefing_id": int},
        pk=("chat_id", "message_id"),
        foreign_keys=[("briefing_id", "briefings", "id")],
        not_null={"briefing_id"},
    )


@migrations()
def m005_reliability(db: Database) -> None:
    """Feed warnings apart from errors, per-item page retries, and when an alert was claimed."""
    db.table("feeds").add_column("last_warning", str)
    db.table("feed_items").add_column("page_errors", int, not_null_default=0)
    db.table("feed_items").add_column("page_retry_at", str)
    db.table("alerts").add_column("claimed_at", str)


@migrations()
def m006_vector_variants(db: Database) -> None:
    """Which model variant made each sentence vector and topic vector (chunk vectors had it)."""
    db.table("sentences").add_column("model", str)
    db.execute(
        "UPDATE sentences SET model = coalesce((SELECT e.model FROM chunks c "
        "JOIN embeddings e ON e.chunk_id = c.id WHERE c.article_id = sentences.article_id "
        "LIMIT 1), 'sentence-transformers/all-MiniLM-L6-v2')"
    )
    db.table("sentences").create_index(["model"])
    db.table("subscriptions").add_column("model", str)
    db.execute("UPDATE subscriptions SET model = 'sentence-transformers/all-MiniLM-L6-v2'")


@migrations()
def m007_chunk_changes(db: Database) -> None:
    """A log of the chunks written, replaced or removed, that in-memory indexes follow.

    Triggers fill it, whichever code writes: every process sees the others' writes by reading the
    log past the last entry it applied. Keyword search moves to those indexes, so FTS5 goes.
    """
    db.execute(
        "CREATE TABLE chunk_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "chunk_id INTEGER NOT NULL)"
    )
    for table, event, row in (
        ("chunks", "INSERT", "new.id"),
        ("chunks", "UPDATE", "new.id"),
        ("chunks", "DELETE", "old.id"),
        ("embeddings", "INSERT", "new.chunk_id"),
        ("embeddings", "UPDATE", "new.chunk_id"),
        ("embeddings", "DELETE", "old.chunk_id"),
    ):
        db.execute(
            f"CREATE TRIGGER {table}_{event.lower()}_logged AFTER {event} ON {table} "
            f"BEGIN INSERT INTO chunk_changes (chunk_id) VALUES ({row}); END"
        )
    db.execute(
        "CREATE TRIGGER articles_update_logged AFTER UPDATE OF title, language ON articles "
        "BEGIN INSERT INTO chunk_changes (chunk_id) "
        "SELECT id FROM chunks WHERE article_id = new.id; END"
    )
    db.execute("DROP TABLE chunks_fts")
    db.table("sentences").create_index(["article_id", "start"])  # a chunk's sentences: one range
    db.table("meta").insert({"key": "index_key", "value": uuid.uuid4().hex})


@migrations()
def m008_vocabulary(db: Database) -> None:
    """The collection's words and stems, each with how many articles use it (for typos, rarity)."""
    db.table("words").create(
        {"word": str, "stem": str, "articles": int}, pk="word", not_null={"stem", "articles"}
    )
    db.table("stems").create({"stem": str, "articles": int}, pk="stem", not_null={"articles"})
    words: Counter[tuple[str, str]] = Counter()
    stems: Counter[str] = Counter()
    for title, text in db.execute("SELECT title, text FROM articles").fetchall():
        found = word_stems(f"{title}\n{text}")
        words.update(found.items())
        stems.update(set(found.values()))
    db.conn.executemany(
        "INSERT INTO words (word, stem, articles) VALUES (?, ?, ?)",
        [(word, stem, count) for (word, stem), count in words.items()],
    )
    db.conn.executemany("INSERT INTO stems (stem, articles) VALUES (?, ?)", stems.items())


@migrations()
def m011_chat_language(db: Database) -> None:
    """The language a chat is spoken to in (none: each person's own), and machine translations."""
    db.table("chat_settings").add_column("language", str)
    db.table("chat_settings").add_column("translations", int, not_null_default=1)


@migrations()
def m012_subscriptions_and_owners(db: Database) -> None:
    """One subscription per topic and chat (compared case-folded), muting, and stored owners."""
    subscriptions = db.table("subscriptions")
    subscriptions.add_column("topic_key", str)
    subscriptions.add_column("muted_until", str)
    kept: dict[tuple[int, str], int] = {}
    rows = db.execute("SELECT id, chat_id, topic FROM subscriptions ORDER BY id").fetchall()
    for sub_id, chat_id, topic in rows:
        key = " ".join(topic.split()).casefold()  # as AlertStore keys topics, frozen here
        first = kept.setdefault((chat_id, key), sub_id)
        if first == sub_id:
            db.execute("UPDATE subscriptions SET topic_key = ? WHERE id = ?", [key, sub_id])
        else:  # a duplicate: its alerts go to the first, which alone stays
            db.execute(
                "UPDATE alerts SET subscription_id = ? WHERE subscription_id = ?", [first, sub_id]
            )
            db.execute("DELETE FROM subscriptions WHERE id = ?", [sub_id])
    subscriptions.create_index(["chat_id", "topic_key"], unique=True)
    db.table("owners").create(
        {"user_id": int, "added_by": str, "added_at": str}, pk="user_id", not_null={"added_at"}
    )


@migrations()
def m013_workers(db: Database) -> None:
    """What several bot workers share: the updates seen, when each limit lets a send go, and
    each person's recent questions (the flood limit)."""
    db.table("updates").create(
        {"bot_id": int, "update_id": int, "seen_at": float}, pk=("bot_id", "update_id")
    )
    db.table("send_slots").create({"key": str, "due": float}, pk="key", not_null={"due"})
    db.table("floods").create(
        {"gate": str, "user_id": int, "asked": str, "warned": int, "last_at": float},
        pk=("gate", "user_id"),
        not_null={"asked", "warned", "last_at"},
    )
    db.table("floods").create_index(["gate", "last_at"])
