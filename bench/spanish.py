"""`python -m bench.spanish XQUAD_DIR`: what Spanish costs, measured on XQuAD's parallel texts.

- Per question: `ask` of the same questions in Spanish and in English over the English
  paragraphs, interleaved; and reading a Spanish question alone (language detection, Apertium
  translation, cognates). The rest of what a Spanish question adds is translating its best
  candidate sentences back into Spanish (evidence for answering, and the labelled translations).
- Ingest: the same paragraphs stored in Spanish (each sentence translated by Apertium before
  the model reads it) and in English, in fresh databases, rounds interleaved.
"""

import argparse
import tempfile
import time
from pathlib import Path

from bench.report import median, ms, table
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.core.embeddings import Embedder
from retrieval.core.store import Store
from retrieval.core.variants import configured_embedder
from retrieval.evaluation.xquad import xquad_collection
from retrieval.language.detection import load
from retrieval.text.raw import RawArticle


def parse() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.spanish", description=__doc__)
    parser.add_argument("xquad", type=Path, help="the folder with xquad.en.json and xquad.es.json")
    parser.add_argument("--questions", type=int, default=300, help="questions per language")
    parser.add_argument("--paragraphs", type=int, default=60, help="paragraphs per ingest round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved ingest rounds")
    return parser.parse_args()


def question_costs(
    collection: Collection, spanish: list[str], english: list[str]
) -> list[list[object]]:
    """Median times of the whole answer, and of the Spanish question's own steps."""
    asked: dict[str, list[float]] = {"es": [], "en": [], "read": []}
    for es, en in zip(spanish, english, strict=True):
        for language, text in (("es", es), ("en", en)):
            started = time.perf_counter()
            collection.ask(text, hint=language)  # type: ignore[arg-type]
            asked[language].append(time.perf_counter() - started)
        started = time.perf_counter()
        collection.read(es, "es")
        asked["read"].append(time.perf_counter() - started)
    spanish_ask, english_ask = median(asked["es"]), median(asked["en"])
    return [
        ["`ask`, English question", ms(english_ask), "1.00"],
        [
            "`ask`, the same question in Spanish",
            ms(spanish_ask),
            f"{spanish_ask / english_ask:.2f}",
        ],
        ["added per Spanish question", ms(spanish_ask - english_ask), ""],
        [
            "of which: reading the question (detect, translate, cognates)",
            ms(median(asked["read"])),
            "",
        ],
    ]


def ingest_rate(articles: list[RawArticle], embedder: Embedder) -> tuple[float, int]:
    """Seconds to store the articles in a fresh database, and the sentences stored."""
    with tempfile.TemporaryDirectory() as tmp:
        collection = Collection(Store(Path(tmp) / "ingest.db"), embedder)
        started = time.perf_counter()
        collection.ingest(articles)
        seconds = time.perf_counter() - started
        (sentences,) = collection.store.rows("SELECT count(*) FROM sentences")[0]
        collection.close()
    return seconds, sentences


def main() -> None:
    """Print both tables."""
    args = parse()
    embedder = configured_embedder(Settings.from_env())  # the ONNX model the bot uses
    embedder.embed(["warm up"])
    load()
    english, en_questions = xquad_collection(args.xquad, "en", "en")
    spanish, es_questions = xquad_collection(args.xquad, "es", "es")
    rows: dict[str, list[tuple[float, int, int]]] = {"es": [], "en": []}
    for n in range(args.rounds):
        part = slice(n * args.paragraphs, (n + 1) * args.paragraphs)
        for language, articles in (("es", spanish[part]), ("en", english[part])):
            seconds, sentences = ingest_rate(articles, embedder)
            rows[language].append((seconds, len(articles), sentences))
    ingest = []
    for language, name in (("en", "English"), ("es", "Spanish")):
        rates = [articles / seconds for seconds, articles, _ in rows[language]]
        per_sentence = [sentences / seconds for seconds, _, sentences in rows[language]]
        ingest.append([name, f"{median(rates):.1f}", f"{median(per_sentence):.1f}"])
    print(table(["XQuAD paragraphs stored", "articles/s (median)", "sentences/s"], ingest))
    print()
    with tempfile.TemporaryDirectory() as tmp:
        collection = Collection(Store(Path(tmp) / "en.db"), embedder)
        collection.ingest(english)
        collection.ask("warm up", hint="en")
        count = args.questions
        costs = question_costs(
            collection,
            [q.text for q in es_questions[:count]],
            [q.text for q in en_questions[:count]],
        )
        collection.close()
    print(table([f"{count} XQuAD questions, 240 English paragraphs", "median", "÷ English"], costs))


if __name__ == "__main__":
    main()
