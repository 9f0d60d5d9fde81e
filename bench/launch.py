"""Run a command as this small process's only child; print its wall time and peak RSS as JSON.

Usage: python -m bench.launch COMMAND...

A child forked straight from the big benchmark process would report that process's size as its
own ru_maxrss (Linux keeps the pre-exec high-water mark), so children are started from here.
"""

import json
import resource
import subprocess
import sys
import time


def main(command: list[str]) -> int:
    """Run the command and print seconds, peak RSS (KiB), exit code and its output as JSON."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - started
    report = {
        "seconds": seconds,
        "max_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "returncode": done.returncode,
        "stdout": done.stdout.decode(errors="replace"),
        "stderr": done.stderr.decode(errors="replace")[-2000:],
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
