"""Headings are a phrase the stories share, as written, never a weekday, month or filler word."""

import itertools
from collections import Counter

import pytest

from retrieval.briefings.headings import NEVER, background, heading, phrases
from retrieval.text.query import stems

TITLES = [
    "Ransomware gang shuts down hospital systems on Monday",
    "Hospital systems in three regions hit by ransomware gang, police say",
    "Europol arrests suspects behind LockBit ransomware",
    "Drug cartels recruit teenagers through social networks",
    "Cartels spy on recruits using social networks, DEA report says",
    "New phishing wave targets pensioners in March",
    "Spanish police dismantle phishing ring that targeted pensioners",
    "Monday: the week in cybercrime",
    "Cryptocurrency exchange charged with laundering ransom payments",
    "Prosecutors say a new generation of hackers sells access",
]


def shown(title: str) -> list[str]:
    """The heading-worthy words of a title, lower-cased."""
    return [word.lower() for phrase in phrases(title) for word in phrase.words]


def test_phrases_leave_out_times_filler_numbers_and_past_tenses() -> None:
    words = set(shown("On Monday, 3 suspects arrested in March says new report: LockBit gang"))
    assert words == {"suspects", "lockbit", "gang"}
    keys = {phrase.key for phrase in phrases("Ransomware gang shuts down hospital systems")}
    assert ("ransomwar", "gang") in keys and ("hospit", "system") in keys
    assert ("gang", "shut") in keys and not any(len(key) > 3 for key in keys)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (0, 1, "Ransomware gang"),  # shared by both titles, rarer than "ransomware" alone
        (3, 4, "Social networks"),
        (5, 6, "Phishing"),  # as rare as "pensioners", written first
    ],
)
def test_the_heading_is_the_rarest_phrase_the_titles_share(first, second, expected) -> None:
    common = background(TITLES)
    titles = [TITLES[first], TITLES[second]]
    assert heading(titles, ["", ""], common, len(TITLES)) == expected


def test_a_phrase_in_one_title_that_the_others_text_repeats_is_shared() -> None:
    titles = ["Europol arrests suspects behind LockBit", "Police seize servers in the Netherlands"]
    passing = ["", "The servers ran the LockBit leak site, investigators said."]
    assert heading(titles, passing, background(TITLES), len(TITLES)) is None  # once: in passing
    repeated = ["", "The servers ran the LockBit leak site. LockBit's affiliates rented them."]
    assert heading(titles, repeated, background(TITLES), len(TITLES)) == "LockBit"


def test_stories_sharing_no_phrase_have_no_heading() -> None:
    titles = [TITLES[2], TITLES[8]]  # ransomware and ransom: different words
    assert heading(titles, ["", ""], background(TITLES), len(TITLES)) is None
    assert heading([TITLES[7], TITLES[5]], ["", ""], Counter(), 2) is None  # only "Monday"


def test_no_heading_of_any_pair_holds_a_weekday_month_or_filler_word() -> None:
    common = background(TITLES)
    for pair in itertools.combinations(TITLES, 2):
        name = heading(list(pair), list(pair), common, len(TITLES))
        if name is not None:
            assert not set(stems(name.lower())) & {stem for w in NEVER for stem in stems(w)}
            assert all(name.lower().split()[0] in title.lower() for title in pair[:1]) or any(
                name.lower() in title.lower() for title in pair
            )
