"""Follow-ups: which messages are follow-ups, the phrases a question offers, and the swap itself.

The swap is tested here with hand-made vectors (which phrase is close to which is the test's
premise); tests/conversations/test_followup_pairs.py runs it with the real model.
"""

from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.conversations.followup import FollowUps, is_full_question, looks_like_followup
from retrieval.conversations.phrases import candidates, question_phrase


@pytest.mark.parametrize(
    ("text", "replying", "expected"),
    [
        ("and in Europe?", False, True),
        ("in Europe?", False, True),
        ("What about Mexico?", False, True),
        ("who are they?", False, True),
        ("and where?", False, True),
        ("why?", False, True),
        ("Mexico?", False, False),
        ("Mexico?", True, True),
        ("How do cartels use social networks to spy on recruits?", False, False),
        ("How do cartels use social networks to spy on recruits?", True, False),
        ("and how many arrests were made?", True, False),  # a full question stands alone
        ("What did they do to the people who reported on crime online?", True, True),
        ("???", True, False),
    ],
)
def test_looks_like_followup(text: str, replying: bool, expected: bool) -> None:
    assert looks_like_followup(text, replying) is expected


def test_full_questions() -> None:
    assert is_full_question("Where was the buyer?") and is_full_question("In what year?")
    assert not is_full_question("what about the Zetas?") and not is_full_question("and when?")
    assert not is_full_question("Why do they do it?") and not is_full_question("in Europe")


def test_candidates_are_whole_phrases_from_either_end_of_a_run() -> None:
    question = "How do Mexican drug cartels use social networks in the United States?"
    found = {(p.kind, p.text) for p in candidates(question)}
    assert ("preposition", "in the United States") in found
    assert ("noun", "Mexican drug cartels") in found and ("noun", "social networks") in found
    assert ("noun", "cartels") not in found  # the middle of a run may hold a verb
    assert ("noun", "United") not in found  # nor is a name cut in two
    assert question_phrase("How many children were rescued?").text == "How many"


VECTORS = {  # the premise: places near places, groups near groups, nothing else near
    "Europe": [1, 0, 0, 0],
    "United States": [0.9, 0.1, 0, 0],
    "the United States": [0.9, 0.1, 0, 0],
    "Zetas": [0, 1, 0, 0],
    "Mexican drug cartels": [0, 0.9, 0.1, 0],
    "after": [0, 0, 0, 1],
    "before": [0, 0, 0.2, 0.9],
}


def embed(texts: Sequence[str]) -> np.ndarray:
    """Hand-made unit vectors; any other text points its own way (similarity 0)."""
    rows = [VECTORS.get(text, [0, 0, 1, 0] if text == "youths" else [0, 0, 0, 0]) for text in texts]
    matrix = np.array(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


FOLLOW_UPS = FollowUps(embed)


@pytest.mark.parametrize(
    ("previous", "followup", "expected"),
    [
        (
            "Who recruits youths in the United States to work as spies?",
            "and in Europe?",
            "Who recruits youths in Europe to work as spies?",
        ),
        (
            "How do Mexican drug cartels use social networks?",
            "what about the Zetas?",
            "How do the Zetas use social networks?",
        ),
        (
            "Which children were rescued?",
            "and in Europe?",
            "Which children were rescued in Europe?",
        ),
        (
            "When was the Muslim Brotherhood founded?",
            "and where?",
            "Where was the Muslim Brotherhood founded?",
        ),
        ("What dynasty came before the Yuan?", "and after?", "What dynasty came after the Yuan?"),
        (
            "What will the EU Cybercrime Centre fight?",
            "and them?",
            "What will the EU Cybercrime Centre fight?",
        ),
        (
            "Which children were rescued?",
            "How many arrests were made?",
            "How many arrests were made?",
        ),
    ],
)
def test_a_followup_swaps_the_part_it_stands_for(
    previous: str, followup: str, expected: str
) -> None:
    assert FOLLOW_UPS.resolve(previous, followup) == expected


def test_resolved_queries_stay_bounded() -> None:
    query = "q " * 600
    for _ in range(5):
        query = FOLLOW_UPS.resolve(query, "and in Europe?")
    assert len(query) <= 1000 and query.endswith("in Europe?")
