"""The eval command: retrieval and answers measured on public data sets."""

import argparse
from pathlib import Path

from retrieval.core.config import Settings
from retrieval.evaluation import beir, squad, xquad
from retrieval.language.detection import LANGUAGES


def register(commands: argparse._SubParsersAction) -> None:
    """Add eval squad|xquad|beir."""
    evaluate = commands.add_parser("eval", help="measure retrieval on public data sets")
    datasets = evaluate.add_subparsers(required=True, metavar="DATASET")
    squad_command = datasets.add_parser(
        "squad", help="SQuAD v1.1 dev: paragraph accuracy, quote accuracy"
    )
    squad_command.add_argument("path", type=Path)
    squad_command.add_argument("--limit", type=int, help="only the first N questions")
    squad_command.add_argument(
        "--store", type=Path, help="keep the evaluation database here, to reuse"
    )
    squad_command.set_defaults(handler=_eval_squad)
    xquad_command = datasets.add_parser(
        "xquad", help="XQuAD: SQuAD's tables with questions and paragraphs in English or Spanish"
    )
    xquad_command.add_argument("path", type=Path, help="the folder with xquad.en/es.json")
    xquad_command.add_argument("--questions", choices=LANGUAGES, default="es")
    xquad_command.add_argument("--paragraphs", choices=LANGUAGES, default="en")
    xquad_command.add_argument("--limit", type=int, help="only the first N questions")
    xquad_command.add_argument(
        "--store", type=Path, help="keep the evaluation database here, to reuse"
    )
    xquad_command.set_defaults(handler=_eval_xquad)
    beir_command = datasets.add_parser(
        "beir", help="a BEIR folder (e.g. SciFact): nDCG@10, recall@100"
    )
    beir_command.add_argument("path", type=Path)
    beir_command.add_argument("--split", default="test")
    beir_command.add_argument(
        "--store", type=Path, help="keep the evaluation database here, to reuse"
    )
    beir_command.set_defaults(handler=_eval_beir)


def _eval_squad(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on SQuAD v1.1 dev and print the table."""
    print(squad.squad_report(args.path, limit=args.limit, db=args.store))
    return 0


def _eval_xquad(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on XQuAD with the chosen languages and print the table."""
    report = xquad.xquad_report(
        args.path, args.questions, args.paragraphs, limit=args.limit, db=args.store
    )
    print(report)
    return 0


def _eval_beir(args: argparse.Namespace, settings: Settings) -> int:
    """Evaluate on a BEIR data set and print the table."""
    print(beir.beir_report(args.path, split=args.split, db=args.store))
    return 0
