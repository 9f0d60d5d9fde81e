"""Cut article text into overlapping chunks that follow sentence boundaries."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.sentences import Span, split_sentences

_WORD = re.compile(r"\S+")

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class ChunkPlan:
    """A chunk's character span and the sentence spans inside it."""

    start: int
    end: int
    sentences: tuple[Span, ...]


def plan_chunks(
    text: str, count_tokens: TokenCounter, budget: int = 254, overlap: int = 48
) -> list[ChunkPlan]:
    """Group sentences into chunks of at most `budget` word pieces, overlapping by one sentence."""
    pieces = _fit_sentences(text, split_sentences(text), count_tokens, budget)
    chunks: list[ChunkPlan] = []
    current: list[tuple[Span, int]] = []
    used = 0
    for span, tokens in pieces:
        if current and used + tokens > budget:
            chunks.append(_chunk(current))
            last_span, last_tokens = current[-1]
            keep = last_tokens <= overlap and last_tokens + tokens <= budget
            current, used = ([(last_span, last_tokens)], last_tokens) if keep else ([], 0)
        current.append((span, tokens))
        used += tokens
    if current:
        chunks.append(_chunk(current))
    return chunks


def _chunk(members: list[tuple[Span, int]]) -> ChunkPlan:
    """Build a chunk plan from consecutive sentences."""
    spans = tuple(span for span, _ in members)
    return ChunkPlan(spans[0][0], spans[-1][1], spans)


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
