"""Child process: open a collection, load the model, answer questions; print memory as JSON.

Usage: python -m bench.probe DB [QUESTIONS]
"""

import json
import resource
import sys
import time
from pathlib import Path

from bench.queries import QUESTIONS
from retrieval.core.collection import Collection
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store


def memory(since: float | None = None) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident KiB of this process, and seconds since `since`."""
    found = {} if since is None else {"seconds": time.perf_counter() - since}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def main(argv: list[str]) -> int:
    """Measure memory after each step of answering questions over the database argv[0]."""
    questions = QUESTIONS[: int(argv[1])] if len(argv) > 1 else QUESTIONS
    steps = {"imports": memory()}
    started = time.perf_counter()
    embedder = OnnxEmbedder()
    collection = Collection(Store(argv[0]), embedder)
    steps["open collection"] = memory(started)
    started = time.perf_counter()
    embedder.load()
    steps["load model"] = memory(started)
    started = time.perf_counter()
    collection.ask(questions[0])
    steps["first question (loads the search indexes)"] = memory(started)
    started = time.perf_counter()
    for question in questions:
        collection.ask(question)
    steps[f"{len(questions)} more questions"] = memory(started)
    collection.close()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"steps": steps, "ru_maxrss": maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
