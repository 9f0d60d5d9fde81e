"""Real answers over the shipped articles, as the bot and the terminal show them: each once."""

import re
from collections import Counter

import pytest

from bot.answers.render import answer_messages
from bot.html import visible_length
from retrieval.core.collection import Collection
from retrieval.core.render import answer_text
from retrieval.text.sentences import split_sentences
from tests.e2e.telegram_emulator import assert_valid_telegram_html

pytestmark = pytest.mark.model

QUESTIONS = [
    "How do Mexican drug cartels use social networks?",
    "How many children were rescued in Europe?",
    "What did Malmström say about EU-US cooperation against cybercrime?",
    "What is Operation Predator?",
    "What can you buy over the Internet?",
    "Why do cartels hire hackers?",
    "What will the new EU cybercrime centre do?",
    "Who organised the conference in Washington?",
]


def sentences(text: str) -> list[str]:
    """The sentences of a text, line by line, without the terminal's bars."""
    lines = [line.strip("│ ") for line in text.splitlines()]
    return [line[start:end] for line in lines for start, end in split_sentences(line)]


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_answer_shows_each_sentence_and_each_title_once(
    real_seeded: Collection, question: str
) -> None:
    answer = real_seeded.ask(question)
    assert answer.answered, question
    (message,) = answer_messages(answer)  # one message
    plain = assert_valid_telegram_html(message)
    assert visible_length(message) < 1000
    repeated = [s for s, n in Counter(sentences(plain)).items() if n > 1 and len(s) > 20]
    assert repeated == []
    for quote in answer.quotes:
        assert plain.count(" ".join(quote.text.split())) == 1
        assert plain.count(quote.title) == 1
    assert plain.startswith(answer.quotes[0].text)  # the best quote leads
    terminal = answer_text(answer)
    unwrapped = re.sub(r"\n[│ ]+(?=\S)", " ", terminal)
    assert [s for s, n in Counter(sentences(unwrapped)).items() if n > 1 and len(s) > 20] == []
    assert '""' not in terminal
