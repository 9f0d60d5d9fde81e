"""`python -m bench.language XQUAD_DIR`: English/Spanish detectors compared on XQuAD's texts.

Both candidates ship their models in the wheel and run offline: lingua-language-detector (high and
low accuracy modes) and py3langid, each restricted to English and Spanish. Texts: XQuAD's
questions, the same questions cut to their first three words (what a chat message can look like),
and the sentences of XQuAD's paragraphs, in both languages.
"""

import argparse
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

from bench.report import median, table
from retrieval.text.sentences import split_sentences

Detector = Callable[[str], str]


def texts(xquad: Path) -> dict[str, list[tuple[str, str]]]:
    """Labelled texts per set: (language, text)."""
    sets: dict[str, list[tuple[str, str]]] = {"questions": [], "3 words": [], "sentences": []}
    for language in ("en", "es"):
        data = json.loads((xquad / f"xquad.{language}.json").read_text(encoding="utf-8"))
        for topic in data["data"]:
            for paragraph in topic["paragraphs"]:
                context = paragraph["context"]
                sets["sentences"] += [(language, context[a:b]) for a, b in split_sentences(context)]
                for qa in paragraph["qas"]:
                    sets["questions"].append((language, qa["question"]))
                    sets["3 words"].append((language, " ".join(qa["question"].split()[:3])))
    return sets


def lingua_detector(low_accuracy: bool) -> Detector:
    """lingua restricted to English and Spanish."""
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()
    codes = {Language.ENGLISH: "en", Language.SPANISH: "es"}

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return codes.get(found, "?") if found else "?"

    return detect


def langid_detector() -> Detector:
    """py3langid restricted to English and Spanish."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "es"])

    def detect(text: str) -> str:
        return str(identifier.classify(text)[0])

    return detect


CANDIDATES: dict[str, Callable[[], Detector]] = {
    "lingua (high accuracy)": lambda: lingua_detector(low_accuracy=False),
    "lingua (low accuracy)": lambda: lingua_detector(low_accuracy=True),
    "py3langid": langid_detector,
}


def max_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Print accuracy, speed and memory for each candidate (each in a fresh process is fairer;
    peak memory here is cumulative, so candidates are loaded in order of expected size)."""
    parser = argparse.ArgumentParser(prog="python -m bench.language", description=__doc__)
    parser.add_argument("xquad", type=Path, help="the folder with xquad.en.json and xquad.es.json")
    parser.add_argument("--only", choices=sorted(CANDIDATES), help="measure one candidate")
    args = parser.parse_args()
    sets = texts(args.xquad)
    rows = []
    for name in [args.only] if args.only else ["py3langid", *sorted(CANDIDATES)[:2]]:
        before = max_rss_mib()
        started = time.perf_counter()
        detect = CANDIDATES[name]()
        load = time.perf_counter() - started
        row: list[object] = [name, f"{load * 1000:.0f} ms", f"{max_rss_mib() - before:.0f} MiB"]
        for labelled in sets.values():
            timings, right = [], 0
            for language, text in labelled:
                t = time.perf_counter()
                right += detect(text) == language
                timings.append(time.perf_counter() - t)
            row += [f"{right / len(labelled):.3f}", f"{median(timings) * 1e6:.0f} µs"]
        rows.append(row)
    headers = ["detector", "load", "memory"]
    for name, labelled in sets.items():
        headers += [f"{name} ({len(labelled):,}) accuracy", "median"]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
