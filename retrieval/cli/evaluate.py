"""The eval command: retrieval and answers measured on public data sets."""

import argparse
from pathlib import Path

from retrieval.cli.common import CommandError
from retrieval.cli.progress import progress_over
from retrieval.core.config import Settings
from retrieval.core.variants import configured_embedder
from retrieval.evaluation import beir as beir_data_set
from retrieval.evaluation import squad as squad_data_set
from retrieval.evaluation import xquad as xquad_data_set
from retrieval.language.messages import _


def squad(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on SQuAD v1.1 dev and print the table."""
    _exists(args.path)
    print(
        squad_data_set.squad_report(
            args.path,
            configured_embedder(settings),
            limit=args.limit,
            db=args.store or settings.db_url,
            progress=progress_over,
        )
    )
    return 0


def xquad(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on XQuAD with the chosen languages and print the table."""
    _exists(args.path)
    report = xquad_data_set.xquad_report(
        args.path,
        args.questions,
        args.paragraphs,
        configured_embedder(settings),
        limit=args.limit,
        db=args.store,
        progress=progress_over,
    )
    print(report)
    return 0


def beir(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on a BEIR data set and print the table."""
    _exists(args.path)
    print(
        beir_data_set.beir_report(
            args.path,
            configured_embedder(settings),
            split=args.split,
            db=args.store or settings.db_url,
            progress=progress_over,
        )
    )
    return 0


def _exists(path: Path) -> None:
    """Refuse a data set that is not there, before any work."""
    if not path.exists():
        raise CommandError(_("no such file or folder: %(path)s") % {"path": path})
