"""The `cyberbrief` command run as a real process, its output read as it comes."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from telegram_emulator import ensure_no_proxy

ROOT = Path(__file__).resolve().parents[2]


def cyberbrief_command(*args: str) -> list[str]:
    """The installed `cyberbrief` script with arguments (the module when not installed)."""
    script = Path(sys.executable).with_name("cyberbrief")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "bot.cli", *args]


def environment(**variables: str) -> dict[str, str]:
    """This process's environment, 127.0.0.1 never proxied, without a token unless given."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(ensure_no_proxy())
    env.update(variables)
    return env


class Cyberbrief:
    """One `cyberbrief` process; what it writes to stderr is kept, line by line."""

    def __init__(self, args: list[str], env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            cyberbrief_command(*args),
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self.out = ""
        self._new: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        """Read stderr until the process closes it."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self._new.put(None)

    def wait_for_line(self, pattern: str, timeout: float) -> str:
        """The next stderr line matching a regular expression; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._new.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            if re.search(pattern, line):
                return line.rstrip("\n")
        raise AssertionError(f"no line matching {pattern!r} in {timeout} s:\n{self.stderr}")

    def wait(self, timeout: float) -> int:
        """Wait for the process to end; its exit code."""
        code = self.process.wait(timeout=timeout)
        assert self.process.stdout is not None
        self.out = self.process.stdout.read()
        return code

    @property
    def stderr(self) -> str:
        """Everything written to stderr so far."""
        return "\n".join(self.lines)

    def stop(self) -> None:
        """Ask the process to stop (SIGTERM), killing it if it does not within 20 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Forwarder:
    """Listens on a port of 127.0.0.1 and pipes each connection to another port there."""

    def __init__(self, port: int, target: int) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        """Take connections until closed."""
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        """Stop listening."""
        self.server.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until either side closes."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    for end in (source, sink):
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
