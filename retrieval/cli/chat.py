"""The terminal chat: type a question, read the quoted answer; follow-ups read as in the bot."""

import threading
from pathlib import Path
from typing import TextIO

from retrieval.conversations.followup import FollowUps, looks_like_followup
from retrieval.core.answer import EmptyQuestion
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.render import answer_text
from retrieval.language.detection import Language
from retrieval.language.messages import _, ngettext

try:  # line editing and history for input(), where the platform has GNU readline or libedit
    import readline
except ImportError:  # pragma: no cover - e.g. Windows
    readline = None  # type: ignore[assignment]

HISTORY_LENGTH = 1000
QUIT = frozenset({"quit", "exit", "salir"})


class Chat:
    """One terminal conversation: the model warming up meanwhile, and the last question asked."""

    def __init__(
        self,
        collection: Collection,
        stdin: TextIO,
        stdout: TextIO,
        language: Language | None = None,
    ) -> None:
        self.collection = collection
        self.language = language  # the asker's, for questions too short to tell
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty()
        self.followups = FollowUps(collection.embedder.embed)
        self.previous: str | None = None
        # The model loads while the first question is typed. Not a daemon: leaving during the
        # load waits for it, as ONNX Runtime aborts the process if killed mid-way.
        self.warming = threading.Thread(target=self._warm_up)

    def _warm_up(self) -> None:
        """Load the model by embedding one word."""
        self.collection.embedder.embed(["warm-up"])

    def run(self) -> int:
        """Answer questions until end of input, 'quit' or Ctrl-C."""
        self.warming.start()
        summary = self.collection.summary()
        outlets = ", ".join(summary.outlets) or _("no outlets")
        greeting = ngettext(
            "cyberbrief: %(count)d article from %(outlets)s",
            "cyberbrief: %(count)d articles from %(outlets)s",
            summary.articles,
        ) % {"count": summary.articles, "outlets": outlets}
        if summary.newest:
            greeting += ", " + _("newest %(date)s") % {"date": summary.newest[:10]}
        self.write(
            greeting
            + ".\n"
            + _(
                "Ask a question; follow up with “and in Europe?” or “what about the Zetas?”. "
                "Ctrl-D or 'quit' to leave."
            )
            + "\n"
        )
        while True:
            try:
                line = self.read()
            except KeyboardInterrupt:
                line = None
            if line is None:
                if self.interactive:
                    self.write("\n")  # the shell's prompt on a line of its own
                return 0
            text = line.strip()
            if text.lower() in QUIT:
                return 0
            if text:
                self.answer(text)

    def read(self) -> str | None:
        """The next line typed (with line editing in a terminal), or None at end of input."""
        if not self.interactive:
            return self.stdin.readline() or None
        try:
            return input("\n> ")
        except EOFError:
            return None

    def answer(self, text: str) -> None:
        """Answer one message, read with the previous question when it follows it up."""
        if self.warming.is_alive():
            self.write(_("Loading the model…") + "\n")
            self.warming.join()
        query = text
        if self.previous is not None and looks_like_followup(text):
            query = self.followups.resolve(self.previous, text)
        try:
            answer = self.collection.ask(query, hint=self.language)
        except EmptyQuestion as error:
            self.write(f"{error}\n")
            return
        self.previous = query
        gap = "" if self.interactive else "\n"  # in a terminal the prompt's line parts answers
        self.write(gap + answer_text(answer, read_as=query if query != text else None) + "\n")

    def write(self, text: str) -> None:
        """Print and flush."""
        self.stdout.write(text)
        self.stdout.flush()


def history_file(settings: Settings) -> Path:
    """Where the lines typed in the chat are kept: beside the database."""
    return settings.db_path.parent / "chat_history"


def run(
    collection: Collection,
    stdin: TextIO,
    stdout: TextIO,
    history: Path | None = None,
    language: Language | None = None,
) -> int:
    """The chat over standard input and output; typed lines are kept in `history` if given
    (`language`: the asker's)."""
    chat = Chat(collection, stdin, stdout, language)
    if not (chat.interactive and readline and history):
        return chat.run()
    readline.set_history_length(HISTORY_LENGTH)
    if history.exists():
        readline.read_history_file(history)
    try:
        return chat.run()
    finally:
        history.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(history)
