"""The collection's vocabulary: counted on every write, and the nearest known word to a typo."""

from retrieval.core.collection import Collection
from retrieval.core.spelling import correct
from retrieval.core.store import Store
from retrieval.core.vocabulary import Vocabulary
from retrieval.operations.store import Shelf
from retrieval.text.documents import RawArticle
from retrieval.text.query import query_stems


def article(text: str, url: str = "https://example.org/a") -> RawArticle:
    return RawArticle(title="Arrests", text=text, source="Wire", url=url)


def test_words_are_counted_per_article_and_uncounted_when_an_article_changes(
    collection: Collection,
) -> None:
    vocabulary = Vocabulary(collection.store)
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
    vocabulary = Vocabulary(collection.store)
    collection.ingest([article("The predator and the predators met a predator.")])
    collection.ingest([article("A predatory lender.", "https://example.org/b")])
    assert vocabulary.closest("predatr", 1) == "predator"
    assert vocabulary.closest("predatorz", 1) in {"predator", "predators", "predatory"}
    assert vocabulary.closest("prdtr", 1) is None
    collection.ingest([article("Nothing left of it.")])  # the predator text is replaced
    assert vocabulary.closest("predatr", 1) is None  # "predatory" is two edits away


def test_a_database_from_before_the_vocabulary_gets_it_on_opening(
    seeded: Collection, tmp_path
) -> None:
    seeded.store.db.execute("DROP TABLE words")
    seeded.store.db.execute("DROP TABLE stems")
    seeded.store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_vocabulary'")
    path = seeded.store.db.execute("PRAGMA database_list").fetchone()[2]
    reopened = Store(path)
    counts = Vocabulary(reopened).frequencies(query_stems("Malmström cartels bitcoin"))
    reopened.close()
    assert counts == {"malmstrom": 1, "cartel": 1, "bitcoin": 0}


def test_a_question_is_read_with_its_typos_corrected(seeded: Collection) -> None:
    vocabulary = Vocabulary(seeded.store)
    question = "What is Operation Predatr and who are the Zetaz?"
    reading = correct(question, vocabulary.frequencies(query_stems(question)), vocabulary.closest)
    assert reading.text == "What is Operation Predator and who are the Zetas?"
    assert reading.corrections == (("Predatr", "Predator"), ("Zetaz", "Zetas"))
    plain = "What is Operation Predator?"
    assert (
        correct(plain, vocabulary.frequencies(query_stems(plain)), vocabulary.closest).text == plain
    )


def test_an_article_removed_for_good_takes_its_words_with_it(seeded: Collection) -> None:
    vocabulary = Vocabulary(seeded.store)
    assert vocabulary.frequencies(["malmstrom", "cooper"]) == {"malmstrom": 1, "cooper": 2}
    (malmstrom,) = [a for a in seeded.store.newest_articles(3) if "Malmström" in a.text]
    Shelf(seeded.store).remove(malmstrom.id)
    assert vocabulary.frequencies(["malmstrom", "cooper"]) == {"malmstrom": 0, "cooper": 1}
    assert vocabulary.closest("malmstrom", 1) is None


def test_accents_do_not_count_as_edits(collection: Collection) -> None:
    collection.ingest([article("Céloron led the expedition; Malmström spoke.")])
    vocabulary = Vocabulary(collection.store)
    assert vocabulary.closest("celeron", 1) == "céloron"
    assert vocabulary.closest("malmstrm", 1) == "malmström"
