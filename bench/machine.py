"""Facts about the machine a benchmark ran on, so figures can be compared across runs."""

import os
import platform
import sqlite3
import sys
from pathlib import Path

import numpy as np
import torch


def _cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, if readable."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total() -> str:
    """Total memory from /proc/meminfo, in GiB."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{load:.2f}" for load in os.getloadavg())


def facts() -> list[tuple[str, str]]:
    """Cores, memory, Python, torch threads and library versions, as (name, value) pairs."""
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable)"),
        ("memory", _memory_total()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("torch", f"{torch.__version__}, {torch.get_num_threads()} intra-op threads"),
        ("numpy / SQLite", f"{np.__version__} / {sqlite3.sqlite_version}"),
        ("load average at start (1/5/15 min)", load_average()),
    ]
