"""The collection's vocabulary: counted on every write, and the nearest known word to a typo;
on SQLite and on PostgreSQL, with several writers at once."""

import random
import threading

import pytest

from retrieval.core.collection import Collection
from retrieval.core.database import Database, open_target, open_vocabulary
from retrieval.core.ingest import Ingestor
from retrieval.core.postgres import PostgresStore
from retrieval.core.spelling import correct
from retrieval.core.vocabulary import tally
from retrieval.operations.store import open_shelf
from retrieval.text.documents import RawArticle
from retrieval.text.query import fold, query_stems
from tests.conftest import FAKE_ANSWER_CONFIG, FakeEmbedder


def article(text: str, url: str = "https://example.org/a") -> RawArticle:
    return RawArticle(title="Arrests", text=text, source="Wire", url=url)


@pytest.fixture
def collection(database: Database, fake_embedder: FakeEmbedder) -> Collection:
    """An empty collection with the fake embedder, once in each backend."""
    return Collection(database, fake_embedder, FAKE_ANSWER_CONFIG)


def test_words_are_counted_per_article_and_uncounted_when_an_article_changes(
    collection: Collection,
) -> None:
    vocabulary = open_vocabulary(collection.store)
    collection.ingest([article("Operation Predator arrested predators.")])
    collection.ingest([article("Predators were arrested.", "https://example.org/b")])
    assert vocabulary.frequencies(["predat", "oper", "bitcoin"]) == {
        "predat": 2,
        "oper": 1,
        "bitcoin": 0,
    }
    collection.ingest([article("A new text about ransomware.")])  # article a changes
    assert vocabulary.frequencies(["predat", "oper", "ransomwar"]) == {
        "predat": 1,
        "oper": 0,
        "ransomwar": 1,
    }
    assert vocabulary.articles() == 2


def test_the_nearest_word_is_the_fewest_edits_away_then_the_most_used(
    collection: Collection,
) -> None:
    vocabulary = open_vocabulary(collection.store)
    collection.ingest([article("The predator and the predators met a predator.")])
    collection.ingest([article("A predatory lender.", "https://example.org/b")])
    assert vocabulary.closest("predatr", 1) == "predator"
    assert vocabulary.closest("predatorz", 1) in {"predator", "predators", "predatory"}
    assert vocabulary.closest("prdtr", 1) is None
    collection.ingest([article("Nothing left of it.")])  # the predator text is replaced
    assert vocabulary.closest("predatr", 1) is None  # "predatory" is two edits away


def test_a_database_from_before_the_vocabulary_gets_it_on_opening(
    seeded: Collection, database_target: str
) -> None:
    migration, records = "m008_vocabulary", "_sqlite_migrations"
    if isinstance(seeded.store, PostgresStore):
        migration, records = "p006_vocabulary", "_migrations"
    with seeded.store.transaction() as db:
        db.execute("DROP TABLE words")
        db.execute("DROP TABLE stems")
        db.execute(f"DELETE FROM {records} WHERE name = '{migration}'")
    reopened = open_target(database_target)
    counts = open_vocabulary(reopened).frequencies(query_stems("Malmström cartels bitcoin"))
    reopened.close()
    assert counts == {"malmstrom": 1, "cartel": 1, "bitcoin": 0}


def test_a_question_is_read_with_its_typos_corrected(seeded: Collection) -> None:
    vocabulary = open_vocabulary(seeded.store)
    question = "What is Operation Predatr and who are the Zetaz?"
    reading = correct(question, vocabulary.frequencies(query_stems(question)), vocabulary.closest)
    assert reading.text == "What is Operation Predator and who are the Zetas?"
    assert reading.corrections == (("Predatr", "Predator"), ("Zetaz", "Zetas"))
    plain = "What is Operation Predator?"
    assert (
        correct(plain, vocabulary.frequencies(query_stems(plain)), vocabulary.closest).text == plain
    )


def test_an_article_removed_for_good_takes_its_words_with_it(seeded: Collection) -> None:
    vocabulary = open_vocabulary(seeded.store)
    assert vocabulary.frequencies(["malmstrom", "cooper"]) == {"malmstrom": 1, "cooper": 2}
    (malmstrom,) = [a for a in seeded.store.newest_articles(3) if "Malmström" in a.text]
    open_shelf(seeded.store).remove(malmstrom.id)
    assert vocabulary.frequencies(["malmstrom", "cooper"]) == {"malmstrom": 0, "cooper": 1}
    assert vocabulary.closest("malmstrom", 1) is None


def test_the_article_count_follows_writes_from_any_connection_and_removals(
    seeded: Collection, database_target: str
) -> None:
    vocabulary = open_vocabulary(seeded.store)
    assert vocabulary.articles() == 3
    assert vocabulary.articles() == 3  # remembered until the next write
    other = Collection(open_target(database_target), FakeEmbedder())  # as another process writes
    other.ingest([article("Police arrested two hackers in Lisbon.")])
    other.close()
    assert vocabulary.articles() == 4
    (arrests,) = [a for a in seeded.store.newest_articles(4) if a.title == "Arrests"]
    open_shelf(seeded.store).remove(arrests.id)
    assert vocabulary.articles() == 3


def test_accents_do_not_count_as_edits(collection: Collection) -> None:
    collection.ingest([article("Céloron led the expedition; Malmström spoke.")])
    vocabulary = open_vocabulary(collection.store)
    assert vocabulary.closest("celeron", 1) == "céloron"
    assert vocabulary.closest("malmstrm", 1) == "malmström"


WORDS = ["cartel", "ransomware", "police", "arrest", "europol", "bitcoin", "fraud", "phishing"]


def test_several_writers_at_once_neither_lose_nor_double_a_count(
    database: Database, database_target: str
) -> None:
    """Four writers, each on its own connection, add articles and all rewrite one article."""
    reader = open_vocabulary(database)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        store = open_target(database_target)
        words = random.Random(worker)
        try:
            ingestor = Ingestor(store, FakeEmbedder())
            for n in range(6):
                text = " ".join(words.choice(WORDS) for _ in range(12)) + f" w{worker}x{n}."
                ingestor.ingest([article(text, f"https://example.org/{worker}/{n}")])
                shared = f"Rewritten by {worker} in round {n}: " + " ".join(words.sample(WORDS, 4))
                ingestor.ingest([article(shared + ".", "https://example.org/shared")])
                reader.closest("cartell", 1)  # reads new words while others write
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and not any(thread.is_alive() for thread in threads)
    stored = database.rows("SELECT title, text FROM articles")
    assert len(stored) == 4 * 6 + 1
    words, stems = tally(stored)
    assert dict(database.rows("SELECT stem, articles FROM stems WHERE articles <> 0")) == stems
    expected = {word: count for (word, _), count in words.items()}
    assert dict(database.rows("SELECT word, articles FROM words WHERE articles <> 0")) == expected
    for word in (word for word in expected if fold(word).isalpha()):
        assert reader.closest(word, 0) == word  # the reader missed no word written meanwhile
