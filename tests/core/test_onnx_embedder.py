"""The ONNX Runtime embedder: the vectors it makes, its threads, and the install-time choice."""

from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from retrieval.core.config import EmbedderUnavailable, Settings
from retrieval.core.model_build import choose
from retrieval.core.onnx_embedder import (
    OnnxEmbedder,
    mean_pooled,
    usable_cores,
    variant_name,
    window,
)
from retrieval.core.variants import configured_embedder
from retrieval.text.sentences import split_sentences
from tests.conftest import shipped_articles

SENTENCES = [
    "Drug cartels recruit teenagers through social networks.",
    "Criminal groups use Facebook to find young recruits.",
    "The recipe needs two cups of flour and an egg.",
    "Europol and the FBI share data on child abuse investigations across the Atlantic, "
    "and the European Cybercrime Centre coordinates the work of national police forces.",
]


def test_mean_pooling_ignores_padding_and_normalises() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert np.allclose(mean_pooled(hidden, mask), [[1.0, 0.0]])


def test_choice_of_variant_follows_the_measurements() -> None:
    assert choose(0.993, 0.989, 0.4)[0] == "int8"
    variant, reason = choose(0.95, 0.90, 0.4)
    assert variant == "fp32" and "too far" in reason
    variant, reason = choose(0.993, 0.989, 0.95)
    assert variant == "fp32" and "not faster" in reason


def test_a_missing_build_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailable, match="make install"):
        OnnxEmbedder(directory=tmp_path)


def test_an_unknown_embedding_setting_names_the_choices(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "x.db", embedding="int4")
    with pytest.raises(EmbedderUnavailable, match="int8, fp32, torch"):
        configured_embedder(settings)


@pytest.mark.model
def test_vectors_are_unit_rows_that_rank_paraphrases_first(real_embedder: OnnxEmbedder) -> None:
    vectors = real_embedder.embed(SENTENCES)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.5 > unrelated


@pytest.mark.model
def test_a_batch_of_mixed_lengths_gives_each_text_its_own_vector(
    real_embedder: OnnxEmbedder,
) -> None:
    texts = SENTENCES * 10  # sorted by length inside, padded per batch, returned in order
    fp32 = OnnxEmbedder("fp32", real_embedder.directory)
    alone = np.vstack([fp32.embed([text]) for text in SENTENCES])
    assert np.allclose(fp32.embed(texts), np.tile(alone, (10, 1)), atol=1e-5)
    # int8 scales activations per batch, so a text's vector moves a little with its company.
    alone = np.vstack([real_embedder.embed([text]) for text in SENTENCES])
    cosines = real_embedder.embed(texts) @ alone.T
    assert list(cosines.argmax(axis=1)) == [0, 1, 2, 3] * 10
    assert cosines.max(axis=1).min() > 0.98


@pytest.mark.model
def test_requests_run_on_one_thread_and_batches_on_every_core(real_embedder: OnnxEmbedder) -> None:
    embedder = OnnxEmbedder(real_embedder.variant, real_embedder.directory, request_texts=4)
    embedder.embed(SENTENCES[:2])
    assert sorted(embedder._sessions) == [1]
    embedder.embed(SENTENCES * 2)
    assert sorted(embedder._sessions) == sorted({1, usable_cores()})


@pytest.mark.model
def test_the_default_variant_stays_close_to_fp32(real_embedder: OnnxEmbedder) -> None:
    texts = [
        article.text[start:end]
        for article in shipped_articles()
        for start, end in split_sentences(article.text)
    ]
    fp32 = OnnxEmbedder("fp32", real_embedder.directory).embed(texts)
    cosines = np.sum(real_embedder.embed(texts) * fp32, axis=1)
    assert cosines.mean() >= 0.98 and cosines.min() >= 0.95
    assert real_embedder.name == variant_name(real_embedder.variant)
    assert real_embedder.name != OnnxEmbedder("fp32", real_embedder.directory).name or (
        real_embedder.variant == "fp32"
    )


def test_the_command_line_says_in_one_line_when_the_model_is_not_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CYBERBRIEF_MODEL_DIR", str(tmp_path / "nowhere"))
    assert main(["--db", str(tmp_path / "t.db"), "ingest", "data/articles"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cyberbrief: the ONNX model is not built") and "make install" in error
    assert "Traceback" not in error


def test_a_long_text_is_cut_to_the_window_and_keeps_its_closing_token() -> None:
    ids = [101, *range(1000, 1300), 102]
    cut = window(ids)
    assert len(cut) == 256 and cut[:2] == [101, 1000] and cut[-2:] == [1253, 102]
    assert window([101, 7, 102]) == [101, 7, 102]


@pytest.mark.model
def test_long_texts_embed_like_sentence_transformers_truncation(
    real_embedder: OnnxEmbedder,
) -> None:
    long_text = " ".join(SENTENCES * 20)  # far past 256 word pieces
    fp32 = OnnxEmbedder("fp32", real_embedder.directory)
    start = " ".join(SENTENCES * 3)
    assert real_embedder.count_tokens([long_text])[0] > 600
    # The window keeps the first 254 pieces: the text's start decides its vector.
    assert float(fp32.embed([long_text])[0] @ fp32.embed([start])[0]) > 0.9
