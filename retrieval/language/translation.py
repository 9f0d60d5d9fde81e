"""Machine translation between English and Spanish with Apertium, kept running between calls.

Apertium (Debian packages `apertium` and `apertium-eng-spa`) is a chain of small programs. The
`apertium` script starts the chain anew for every call (about a second); here each direction's
chain runs once in null-flush mode, and every batch of texts is written to it followed by a NUL
byte, which makes each program pass on what it holds: a question takes a few milliseconds.
Texts of a batch travel as lines separated by Apertium "superblanks" (`[\\n]`), which every program
of the chain copies through untouched.
"""

import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from retrieval.language.detection import Language

log = logging.getLogger(__name__)

INSTALL = "apt-get install apertium apertium-eng-spa"
DATADIR = Path("/usr/share/apertium")
PAIRS: dict[tuple[Language, Language], str] = {("es", "en"): "spa-eng", ("en", "es"): "eng-spa"}
BATCH_CHARS = 20_000  # texts per write, so that no batch waits long on one slow program
TIMEOUT = 30.0  # seconds a batch may take

_SPECIAL = re.compile(r"([\[\]{}^$/\\@<>])")  # characters Apertium's stream format reserves
_STREAM = re.compile(r"\\(.)|\[((?:[^\]\\]|\\.)*)\]", re.DOTALL)  # an escape, or a superblank
_BREAKS = re.compile(r"[\s\x00]+")
_SEPARATOR = "[\n]"
_UNKNOWN = re.compile(r"\*(?=\w)")  # Apertium's mark before a word it does not know


class TranslationError(RuntimeError):
    """Apertium failed, or took too long."""


class TranslatorMissing(TranslationError):
    """Apertium or its English-Spanish data is not installed."""


class Apertium:
    """English ⇄ Spanish translation through Apertium chains started on first use."""

    def __init__(self, datadir: Path = DATADIR, timeout: float = TIMEOUT) -> None:
        self.datadir = datadir
        self.timeout = timeout
        self._chains: dict[str, _Chain] = {}
        self._lock = threading.Lock()

    def missing(self) -> str | None:
        """What is missing for translation to work, or None when everything is installed."""
        if shutil.which("lt-proc") is None or shutil.which("apertium-wblank-mode") is None:
            return f"Apertium is not installed; install it with: {INSTALL}"
        for pair in PAIRS.values():
            if not self._mode_file(pair).is_file():
                return f"Apertium's {pair} data is not installed; install it with: {INSTALL}"
        return None

    def translate(self, texts: Sequence[str], source: Language, target: Language) -> list[str]:
        """Each text translated from `source` to `target` (unchanged when they are the same)."""
        return [unmarked(text) for text in self.translate_marked(texts, source, target)]

    def translate_marked(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[str]:
        """Translations with Apertium's `*` before each word it does not know (left as is)."""
        if source == target or not texts:
            return list(texts)
        return self._chain(PAIRS[(source, target)]).translate(texts)

    def close(self) -> None:
        """Stop the running chains."""
        with self._lock:
            chains, self._chains = list(self._chains.values()), {}
        for chain in chains:
            chain.close()

    def _mode_file(self, pair: str) -> Path:
        """The file that describes a direction's chain of programs."""
        return self.datadir / "modes" / f"{pair}.mode"

    def _chain(self, pair: str) -> "_Chain":
        """The running chain for a direction, started if needed."""
        with self._lock:
            if pair not in self._chains:
                problem = self.missing()
                if problem:
                    raise TranslatorMissing(problem)
                self._chains[pair] = _Chain(self._mode_file(pair), self.timeout)
            return self._chains[pair]


class _Chain:
    """One direction's programs, run as one shell pipeline in null-flush mode."""

    def __init__(self, mode_file: Path, timeout: float) -> None:
        self.mode_file = mode_file
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate texts in batches, one line each; restart the chain after a failure."""
        with self._lock:
            translated: list[str] = []
            for batch in _batches([_BREAKS.sub(" ", text).strip() for text in texts]):
                try:
                    translated += self._run(batch)
                except TranslationError:
                    self._stop()
                    raise
            return translated

    def close(self) -> None:
        """Stop the chain."""
        with self._lock:
            self._stop()

    def _run(self, batch: list[str]) -> list[str]:
        """Send one batch through the chain and read its translation."""
        stream = _SEPARATOR.join(_SPECIAL.sub(r"\\\1", text) for text in batch) + "[]\0"
        output = _unstream(self._exchange(stream.encode("utf-8")).decode("utf-8", "replace"))
        lines = output.split("\n")
        if len(lines) != len(batch):
            raise TranslationError(f"Apertium returned {len(lines)} lines for {len(batch)} texts")
        return [" ".join(line.split()) for line in lines]

    def _exchange(self, data: bytes) -> bytes:
        """Write data and read the reply up to its NUL byte, within the time limit."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        deadline = time.monotonic() + self.timeout
        received = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            selector.register(process.stdin, selectors.EVENT_WRITE)
            view, written = memoryview(data), 0
            while not received.endswith(b"\0"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TranslationError(f"Apertium took longer than {self.timeout:.0f} s")
                for key, _ in selector.select(remaining):
                    if key.fileobj is process.stdin:
                        try:
                            written += os.write(process.stdin.fileno(), view[written:])
                        except BrokenPipeError as error:
                            raise TranslationError("Apertium stopped") from error
                        if written == len(data):
                            selector.unregister(process.stdin)
                    else:
                        chunk = os.read(process.stdout.fileno(), 1 << 16)
                        if not chunk:
                            raise TranslationError("Apertium stopped")
                        received += chunk
        return bytes(received[:-1])

    def _start(self) -> subprocess.Popen[bytes]:
        """The running chain, started when it is not running."""
        if self._process is not None and self._process.poll() is None:
            return self._process
        try:
            script = subprocess.run(
                ["apertium-wblank-mode", "-z", str(self.mode_file)],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout
        except (OSError, subprocess.SubprocessError) as error:
            raise TranslatorMissing(f"cannot start Apertium ({error}); {INSTALL}") from error
        log.debug("starting Apertium: %s", self.mode_file.name)
        # $1 = -g: unknown words marked with "*"; $2: no extra tagger option.
        self._process = subprocess.Popen(
            ["bash", "-c", script, "apertium", "-g", ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
            start_new_session=True,
        )
        return self._process

    def _stop(self) -> None:
        """Stop the chain's programs, if running."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout:
            process.stdout.close()


def _batches(texts: list[str]) -> list[list[str]]:
    """Consecutive texts grouped into batches of about BATCH_CHARS characters."""
    batches: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if batches[-1] and size + len(text) > BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(text)
        size += len(text)
    return batches if batches[0] else []


def unmarked(text: str) -> str:
    """A translation without Apertium's marks on unknown words."""
    return _UNKNOWN.sub("", text)


def unknown_words(text: str) -> list[str]:
    """The words Apertium marked as unknown in a translation."""
    return re.findall(r"\*(\w+)", text)


def _unstream(stream: str) -> str:
    """Apertium's stream format back to text: escapes undone, superblanks' contents kept."""
    return _STREAM.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), stream)
