"""Peak memory of a process answering questions, and cold start of `cyberbrief ask`, in children."""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.report import median

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    """A finished child process: wall seconds, peak resident KiB, exit code and output."""

    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: str


@dataclass(frozen=True)
class ColdStart:
    """Wall seconds and peak memory of several cold `cyberbrief ask` runs."""

    runs: list[Run]

    @property
    def p50(self) -> float:
        """The median wall time."""
        return median([run.seconds for run in self.runs])


def run_child(command: list[str]) -> Run:
    """Run a command to completion through bench.launch: its wall time and its own peak RSS."""
    launcher = [sys.executable, "-m", "bench.launch", *command]
    done = subprocess.run(launcher, cwd=PROJECT, capture_output=True, check=True)
    report = json.loads(done.stdout)
    if report["returncode"]:
        raise RuntimeError(
            f"{' '.join(command)} failed ({report['returncode']}): {report['stderr']}"
        )
    return Run(report["seconds"], report["max_rss_kib"], report["returncode"], report["stdout"])


def probe(db: Path, questions: int) -> dict[str, object]:
    """Peak memory figures of a child that opens the database, loads the model, answers."""
    run = run_child([sys.executable, "-m", "bench.probe", str(db), str(questions)])
    figures: dict[str, object] = json.loads(run.stdout)
    figures["child_maxrss"] = run.max_rss_kib
    figures["seconds"] = run.seconds
    return figures


def cyberbrief_command() -> list[str]:
    """The console script next to this interpreter, else the CLI module."""
    script = Path(sys.executable).with_name("cyberbrief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "retrieval.cli.main"]


def cold_start(db: Path, question: str, runs: int) -> ColdStart:
    """Wall time of the whole `cyberbrief --db DB ask QUESTION` command, `runs` times."""
    command = [*cyberbrief_command(), "--db", str(db), "ask", question]
    return ColdStart([run_child(command) for _ in range(runs)])


def numpy_start(runs: int) -> ColdStart:
    """Wall time of `python -c "import numpy"`, the floor of any Python command here."""
    return ColdStart([run_child([sys.executable, "-c", "import numpy"]) for _ in range(runs)])
