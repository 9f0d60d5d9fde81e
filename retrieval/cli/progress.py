"""Progress on long commands: items, rate and time left, on a terminal only."""

import sys
from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(total: int, unit: str, quiet: bool = False) -> tqdm:
    """A bar on standard error when it is a terminal; silent when piped or when `quiet`."""
    return tqdm(
        total=total,
        unit=f" {unit}",
        disable=quiet or not sys.stderr.isatty(),
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )


def progress_over(items: Iterable[T], total: int, what: str) -> Iterable[T]:
    """The items, with a bar named `what` on standard error when it is a terminal."""
    return tqdm(
        items,
        total=total,
        desc=what,
        disable=not sys.stderr.isatty(),
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )
