"""`python -m bench.answer_length`: how long answers read in Telegram and the terminal.

Over the shipped articles with the real model, every question of bench/queries.py is asked and
rendered as the bot renders it; the figures are the visible characters of the whole reply (all
its messages, as Telegram counts them) and the sentences shown more than once in one reply.
"""

import re
import sys
import tempfile
from collections import Counter
from html import unescape
from pathlib import Path

from bench.corpus import shipped_articles
from bench.queries import QUESTIONS
from bench.report import median, percentile, table
from bot.answers.render import answer_messages
from bot.html import visible_length
from retrieval.core.collection import Collection
from retrieval.core.models import Answer
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.render import answer_text
from retrieval.core.store import Store
from retrieval.text.sentences import split_sentences

MIN_SENTENCE = 20  # shorter pieces ("[1]", a date) are not counted as sentences
_TAG = re.compile(r"<[^>]*>")
_MARKER = re.compile(r"\[\d+\]")
_CONTINUED = re.compile(r"\n[│ ]+(?=\S)")  # a wrapped terminal line


def repeated_sentences(text: str) -> list[str]:
    """The sentences (of at least MIN_SENTENCE characters) that a text shows more than once."""
    unwrapped = _MARKER.sub(" ", _CONTINUED.sub(" ", text))  # terminal lines joined, no [1]
    lines = [line.strip("│ ") for line in unwrapped.splitlines()]
    pieces = [
        line[start:end].strip("\"'\u201c\u201d")
        for line in lines
        for start, end in split_sentences(line)
    ]
    counts = Counter(piece for piece in pieces if len(piece) >= MIN_SENTENCE)
    return [sentence for sentence, count in counts.items() if count > 1]


def measure(
    collection: Collection, questions: tuple[str, ...]
) -> list[tuple[Answer, int, int, int]]:
    """Each question's answer with its Telegram length, terminal length and repeated sentences."""
    rows = []
    for question in questions:
        answer = collection.ask(question)
        messages = answer_messages(answer)
        telegram = sum(visible_length(message) for message in messages)
        plain = "\n\n".join(unescape(_TAG.sub("", message)) for message in messages)
        terminal = answer_text(answer)
        repeats = len(repeated_sentences(plain)) + len(repeated_sentences(terminal))
        rows.append((answer, telegram, len(terminal), repeats))
    return rows


def main() -> int:
    """Print the length figures as Markdown."""
    embedder = OnnxEmbedder()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "lengths.db")
        collection = Collection(store, embedder)
        collection.ingest(shipped_articles())
        rows = measure(collection, QUESTIONS)
        store.close()
    answered = [row for row in rows if not row[0].abstained and row[0].coverage == "full"]
    other = [row for row in rows if row not in answered]
    lines = []
    for name, group in (("answers", answered), ("not answers", other), ("all", rows)):
        telegram = [row[1] for row in group]
        terminal = [row[2] for row in group]
        lines.append(
            [
                name,
                len(group),
                f"{median(telegram):.0f}",
                f"{percentile(telegram, 90):.0f}",
                max(telegram, default=0),
                f"{median(terminal):.0f}",
                sum(row[3] > 0 for row in group),
            ]
        )
    headers = [
        "replies",
        "n",
        "Telegram median",
        "p90",
        "max",
        "terminal median",
        "with a sentence twice",
    ]
    print(f"{len(QUESTIONS)} questions of bench/queries.py over the shipped articles:\n")
    print(table(headers, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
