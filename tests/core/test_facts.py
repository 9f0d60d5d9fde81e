"""Questions asking for a number or a date, and the sentences that state one."""

from retrieval.core.facts import asked_fact, states


def kind(question: str) -> tuple[str, str] | None:
    found = asked_fact(question)
    return (found[0].name, found[1]) if found else None


def test_questions_asking_for_numbers_and_dates_are_told_apart() -> None:
    assert kind("How many children were rescued in Europe?") == ("number", "How many")
    assert kind("By how much did fraud grow?") == ("number", "how much")
    assert kind("In what year did Tesla die?") == ("time", "what year")
    assert kind("When was the DEA report presented?") == ("time", "When")
    assert kind("and when did it start?") == ("time", "when")


def test_other_questions_ask_for_no_kind_of_fact_that_can_be_checked() -> None:
    for question in (
        "Who attended the conference in Cancun?",
        "What happens when a cartel finds a spy?",  # "when" in the middle asks for no date
        "How do drug cartels use social networks?",
        "operation predator",
    ):
        assert kind(question) is None, question


def test_sentences_stating_numbers_and_dates() -> None:
    number, _ = asked_fact("How many children were rescued?") or (None, "")
    time, _ = asked_fact("When did it happen?") or (None, "")
    assert number and time
    assert states(number, "In Europe, 8 children between 3 and 10 years old were rescued.")
    assert states(number, "Several arrests were made on both sides of the Atlantic.")
    assert not states(number, "The conference was organised by the FBI.")
    assert states(time, "The report was presented in May.")
    assert states(time, "It began a few weeks ago.")
    assert not states(time, "The conference was organised by the FBI.")


def test_a_question_opening_with_a_when_clause_asks_what_follows_it() -> None:
    assert kind("When Tesla photographed Mark Twain, what showed up on the image?") is None
    assert kind("When rock folds deep in the Earth, when it buckles down it creates what?") is None
    assert kind("When was the report presented, and where?") == ("time", "When")
