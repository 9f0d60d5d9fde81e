"""The SQuAD answering protocol: left-out articles leave the vocabulary, rewrites follow a seed."""

import random

from retrieval.core.collection import Collection
from retrieval.core.database import open_vocabulary
from retrieval.evaluation.answering import left_out
from retrieval.evaluation.variants import misspelt, near_topic, unused
from retrieval.operations.store import open_shelf
from retrieval.text.query import query_stems

QUESTION = "What did Malmström say about cartels and bitcoin?"


def test_a_left_out_article_counts_as_if_it_had_never_been_stored(seeded: Collection) -> None:
    vocabulary = open_vocabulary(seeded.store)
    (malmstrom,) = [a for a in seeded.store.newest_articles(3) if "Malmström" in a.text]
    stems = query_stems(QUESTION)
    without = left_out(vocabulary, {malmstrom.id: malmstrom})
    seen_without = (without.articles(), without.frequencies(stems))
    assert seen_without[1]["malmstrom"] == 0
    open_shelf(seeded.store).remove(malmstrom.id)
    assert seen_without == (vocabulary.articles(), vocabulary.frequencies(stems))


def test_near_topic_and_misspelt_questions_are_the_same_for_the_same_seed() -> None:
    frequencies = {"malmstrom": 1, "cartel": 4, "bitcoin": 0, "ransomwar": 0}
    pool = unused(["bitcoin", "ransomware", "cartels"], frequencies)
    assert pool == ["bitcoin", "ransomware"]
    near = [near_topic(QUESTION, frequencies, pool, random.Random(seed)) for seed in (5, 5)]
    assert near[0] == near[1]
    assert near[0] is not None and near[0].replaced == "Malmström"
    assert near[0].text == QUESTION.replace("Malmström", near[0].replacement)
    assert near[0].replacement in {"Bitcoin", "Ransomware"}
    typo = misspelt(QUESTION, frequencies, random.Random(7))
    assert typo is not None and typo.replaced == "bitcoin"  # the rarest long word
    assert typo.replacement != "bitcoin" and typo.replacement[0] == "b"
    assert typo == misspelt(QUESTION, frequencies, random.Random(7))
