"""Running a command with its standard error on a pseudo-terminal, as in an interactive shell."""

import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """What a command printed, and its exit code."""

    code: int
    out: str
    err: str


def run_in_terminal(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float, columns: int = 100
) -> Run:
    """Run a command whose stderr is a terminal (stdout piped); `err` is what the terminal got."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: every copy of the terminal's end is closed
                return
            if not data:
                return
            received.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=env,
            cwd=cwd,
        )
    finally:
        os.close(terminal)
    try:
        out, _ = process.communicate(timeout=timeout)
    finally:
        process.kill()
        reader.join(timeout=10)
        os.close(controller)
    return Run(process.returncode, out.decode(), b"".join(received).decode(errors="replace"))
