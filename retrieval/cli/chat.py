"""The terminal chat: type a question, read the quoted answer, as in the bot."""

from typing import TextIO

from retrieval.core.answer import EmptyQuestion
from retrieval.core.collection import Collection
from retrieval.core.render import answer_text
from retrieval.language.detection import Language
from retrieval.language.messages import _, ngettext

QUIT = {"quit", "exit", "salir"}


def run(
    collection: Collection, stdin: TextIO, stdout: TextIO, language: Language | None = None
) -> int:
    """Answer questions read from stdin until end of input or 'quit' (`language`: the asker's)."""
    summary = collection.summary()
    interactive = stdin.isatty()
    outlets = ", ".join(summary.outlets) or _("no outlets")
    line = ngettext(
        "cyberbrief: %(count)d article from %(outlets)s",
        "cyberbrief: %(count)d articles from %(outlets)s",
        summary.articles,
    ) % {"count": summary.articles, "outlets": outlets}
    if summary.newest:
        line += ", " + _("newest %(date)s") % {"date": summary.newest[:10]}
    stdout.write(line + ".\n" + _("Ask a question (Ctrl-D or 'quit' to leave).") + "\n")
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in QUIT:
            return 0
        if not line.strip():
            continue
        try:
            stdout.write(answer_text(collection.ask(line, hint=language)) + "\n")
        except EmptyQuestion as error:
            stdout.write(f"{error}\n")
        stdout.flush()
