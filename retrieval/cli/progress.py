"""Progress on long commands: items, rate and time left, on a terminal only."""

import sys

from tqdm import tqdm


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
