"""Short follow-ups read with the previous question."""

import pytest

from retrieval.conversations.followup import looks_like_followup, resolve


@pytest.mark.parametrize(
    ("text", "replying", "expected"),
    [
        ("and in Europe?", False, True),
        ("What about Mexico?", False, True),
        ("who are they?", False, True),
        ("Mexico?", False, False),
        ("Mexico?", True, True),
        ("How do cartels use social networks to spy on recruits?", False, False),
        ("How do cartels use social networks to spy on recruits?", True, False),
        ("What did they do to the people who reported on crime online?", True, True),
        ("???", True, False),
    ],
)
def test_looks_like_followup(text: str, replying: bool, expected: bool) -> None:
    assert looks_like_followup(text, replying) is expected


def test_resolve_extends_the_previous_question() -> None:
    previous = "What will the EU Cybercrime Centre fight?"
    in_europe = "What will the EU Cybercrime Centre fight in Europe?"
    assert resolve(previous, "and in Europe?") == in_europe
    mexico = "What will the EU Cybercrime Centre fight Mexico?"
    assert resolve(previous, "What about Mexico?") == mexico
    assert resolve(previous, "and them?") == previous


def test_resolve_stays_bounded() -> None:
    query = "q " * 600
    for _ in range(5):
        query = resolve(query, "and in Europe?")
    assert len(query) <= 1000 and query.endswith("in Europe?")
