"""Chunks follow sentences, fit the model's window and overlap a little."""

from retrieval.core.embeddings import WordPieceCounter, model_path
from retrieval.text.chunking import plan_chunks

count = WordPieceCounter(model_path())


def test_short_text_is_one_chunk_of_all_sentences() -> None:
    text = "First sentence here. Second one there."
    plan = plan_chunks(text, count)
    assert plan.chunks == ((0, 2),)
    assert plan.chunk_spans() == [(0, len(text))]


def test_chunks_fit_the_budget_and_overlap_by_a_short_sentence() -> None:
    text = " ".join(f"Sentence number {i} talks about cartels and networks." for i in range(60))
    plan = plan_chunks(text, count, budget=60, overlap=20)
    assert len(plan.chunks) > 3
    for start, end in plan.chunk_spans():
        assert count([text[start:end]])[0] <= 60
    for (_, last), (first, _) in zip(plan.chunks, plan.chunks[1:], strict=False):
        assert first == last - 1  # the next chunk repeats the previous chunk's last sentence
    assert plan.chunks[-1][1] == len(plan.sentences)


def test_sentence_longer_than_the_window_is_cut_between_words() -> None:
    text = "word " * 700 + "end."
    plan = plan_chunks(text, count)
    assert len(plan.sentences) >= 3
    for start, end in plan.sentences:
        piece = text[start:end]
        assert piece == piece.strip() and count([piece])[0] <= 254
    covered = " ".join(text[a:b] for a, b in plan.sentences)
    assert covered == " ".join(text.split())


def test_no_text_no_chunks() -> None:
    assert plan_chunks("", count).chunks == ()
