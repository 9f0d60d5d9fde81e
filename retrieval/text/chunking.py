"""Cut article text into overlapping chunks that follow sentence boundaries."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.text.sentences import Span, split_sentences

_WORD = re.compile(r"\S+")

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class ChunkPlan:
    """An article's sentences, and its chunks as half-open ranges of sentence indexes."""

    sentences: tuple[Span, ...]
    chunks: tuple[tuple[int, int], ...]

    def chunk_spans(self) -> list[Span]:
        """Character spans of the chunks."""
        return [
            (self.sentences[first][0], self.sentences[last - 1][1]) for first, last in self.chunks
        ]


def plan_chunks(
    text: str,
    count_tokens: TokenCounter,
    budget: int = 254,
    overlap: int = 48,
    language: str = "en",
) -> ChunkPlan:
    """Group sentences into chunks of at most `budget` word pieces, overlapping by one sentence.

    A sentence longer than the budget is cut between words; its pieces count as sentences.
    """
    sentences = split_sentences(text, language=language)
    pieces = _fit_sentences(text, sentences, count_tokens, budget)
    chunks: list[tuple[int, int]] = []
    first, used = 0, 0
    for index, (_, tokens) in enumerate(pieces):
        if index > first and used + tokens > budget:
            chunks.append((first, index))
            last_tokens = pieces[index - 1][1]
            keep = index - 1 > first and last_tokens <= overlap and last_tokens + tokens <= budget
            first, used = (index - 1, last_tokens) if keep else (index, 0)
        used += tokens
    if pieces:
        chunks.append((first, len(pieces)))
    return ChunkPlan(tuple(span for span, _ in pieces), tuple(chunks))


def _fit_sentences(
    text: str, spans: list[Span], count_tokens: TokenCounter, budget: int
) -> list[tuple[Span, int]]:
    """Pair each sentence with its token count, cutting sentences longer than the budget."""
    counts = count_tokens([text[a:b] for a, b in spans])
    fitted: list[tuple[Span, int]] = []
    for span, tokens in zip(spans, counts, strict=True):
        if tokens <= budget:
            fitted.append((span, tokens))
        else:
            fitted.extend(_cut_long(text, span, count_tokens, budget))
    return fitted


def _cut_long(
    text: str, span: Span, count_tokens: TokenCounter, budget: int
) -> list[tuple[Span, int]]:
    """Cut an over-long sentence between words into pieces that fit the budget."""
    words = [m.span() for m in _WORD.finditer(text, *span)]
    counts = count_tokens([text[a:b] for a, b in words])
    pieces: list[tuple[Span, int]] = []
    piece_start, piece_end, used = words[0][0], words[0][0], 0
    for (start, end), tokens in zip(words, counts, strict=True):
        if used and used + tokens > budget:
            pieces.append(((piece_start, piece_end), used))
            piece_start, used = start, 0
        piece_end, used = end, used + min(tokens, budget)
    pieces.append(((piece_start, piece_end), used))
    return pieces
