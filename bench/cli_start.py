"""`python -m bench.cli_start`: how fast the `cyberbrief` command starts, against `import numpy`.

Over the shipped articles, runs interleaved so a busy machine slows every command alike:
`python -c "import numpy"` (the floor of any command that touches vectors), `cyberbrief --help`
(the parser alone), a keyword search (the query path without the model) and a cold `ask`
(the model too). Prints medians and their ratio to `import numpy`; asserts nothing.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.memory import PROJECT, cyberbrief_command, run_child
from bench.report import median, table

QUESTION = "How do drug cartels use social networks?"


def commands(db: Path) -> dict[str, list[str]]:
    """What is timed, by name."""
    cyberbrief = [*cyberbrief_command(), "--db", str(db)]
    return {
        'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
        "cyberbrief --help": [*cyberbrief, "--help"],
        "cyberbrief search --mode bm25": [*cyberbrief, "search", "Zetas", "--mode", "bm25"],
        "cyberbrief ask (cold)": [*cyberbrief, "ask", QUESTION],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Time each command `--runs` times, interleaved, and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.cli_start", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each command")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "start.db"
        run_child(
            [*cyberbrief_command(), "--db", str(db), "ingest", str(PROJECT / "data/articles")]
        )
        timed = commands(db)
        seconds: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(args.runs):
            for name, command in timed.items():
                seconds[name].append(run_child(command).seconds)
    floor = median(seconds['python -c "import numpy"'])
    rows = [
        [name, f"{median(values):.3f} s", f"{min(values):.3f} s", f"{median(values) / floor:.1f}x"]
        for name, values in seconds.items()
    ]
    print(f"## Start-up of the command line ({args.runs} interleaved runs, {os.cpu_count()} cores)")
    print()
    print(table(["command", "p50 wall", "min", "÷ import numpy"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
