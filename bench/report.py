"""Small helpers for printing figures: percentiles and Markdown tables."""

from collections.abc import Sequence

import numpy as np


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of the values, linearly interpolated."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else 0.0


def median(values: Sequence[float]) -> float:
    """The median of the values."""
    return percentile(values, 50)


def ms(seconds: float) -> str:
    """Seconds shown as milliseconds."""
    return f"{seconds * 1000:.1f} ms"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float, target: float, at_most: bool = True) -> str:
    """'met' or 'MISSED' for a value against a target bound."""
    met = value <= target if at_most else value >= target
    return "met" if met else "MISSED"
