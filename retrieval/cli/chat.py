"""The terminal chat: type a question, read the quoted answer, as in the bot."""

from typing import TextIO

from retrieval.core.answer import EmptyQuestion
from retrieval.core.collection import Collection
from retrieval.core.render import answer_text


def run(collection: Collection, stdin: TextIO, stdout: TextIO) -> int:
    """Answer questions read from stdin until end of input or 'quit'."""
    summary = collection.summary()
    interactive = stdin.isatty()
    stdout.write(
        f"cyberbrief: {summary.articles} articles from {', '.join(summary.outlets) or 'no outlets'}"
        f"{f', newest {summary.newest[:10]}' if summary.newest else ''}.\n"
        "Ask a question (Ctrl-D or 'quit' to leave).\n"
    )
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            return 0
        if not line.strip():
            continue
        try:
            stdout.write(answer_text(collection.ask(line)) + "\n")
        except EmptyQuestion as error:
            stdout.write(f"{error}\n")
        stdout.flush()
