"""Article-like text for benchmarks: the shipped articles plus generated ones with Zipf word use."""

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from retrieval.core.embeddings import model_path
from retrieval.text.documents import RawArticle, find_files, read_file

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
SOURCES = ("Europol", "Reuters", "BBC News", "The Guardian", "DEA", "European Commission", "AP")
ZIPF_EXPONENT = 1.05
TOPIC_BOOST = 8
_WORD = re.compile(r"[^\W\d_]{2,}(?:['-][^\W\d_]+)*|[aA]")
_ALPHA_WORD = re.compile(r"[a-z]{2,}")


def shipped_articles() -> list[RawArticle]:
    """The articles in data/articles, read as ingestion reads them."""
    paths = [path for path in find_files([ARTICLES]) if isinstance(path, Path)]
    return [item for path in paths for item in read_file(path) if isinstance(item, RawArticle)]


def vocabulary() -> list[str]:
    """Words ranked by assumed frequency in a news collection about the shipped articles' topics.

    General English comes from the tokenizer's vocab.txt (whole words, roughly frequency-ordered);
    the shipped articles' words are ranked as if TOPIC_BOOST times more common than their rank
    there, so domain words (cybercrime, Europol, cartels) are frequent but not stop-word frequent.
    """
    counts: Counter[str] = Counter(
        word.lower()
        for article in shipped_articles()
        for word in _WORD.findall(article.title + " " + article.text)
    )
    lines = (model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    general = [line for line in lines if _ALPHA_WORD.fullmatch(line) or line == "a"]
    rank = {word: n for n, word in reversed(list(enumerate(general, 1)))}
    for n, (word, _) in enumerate(counts.most_common(), 1):
        rank[word] = min(rank.get(word, n * TOPIC_BOOST), n * TOPIC_BOOST)
    return sorted(rank, key=lambda word: (rank[word], word))


class ArticleGenerator:
    """Generates article-like text: sentences of varied length, Zipf-distributed words."""

    def __init__(self, words: list[str], seed: int = 0, median_words: int = 450) -> None:
        self._words = np.array(words, dtype=object)
        ranks = np.arange(1, len(words) + 1, dtype=np.float64)
        weights = ranks**-ZIPF_EXPONENT
        self._cumulative = np.cumsum(weights / weights.sum())
        self._rng = np.random.default_rng(seed)
        self._median_words = median_words

    def _sample_words(self, n: int) -> list[str]:
        """n words drawn from the Zipf distribution."""
        picks = np.searchsorted(self._cumulative, self._rng.random(n), side="right")
        return self._words[np.minimum(picks, len(self._words) - 1)].tolist()

    def _sentences(self, words: int) -> list[str]:
        """Sentences of 4 to 50 words (median 19), about `words` words in all."""
        lengths = np.clip(self._rng.lognormal(np.log(19), 0.45, words // 10 + 1), 4, 50)
        lengths = lengths.astype(int)[: int(np.searchsorted(np.cumsum(lengths), words)) + 1]
        pool = self._sample_words(int(lengths.sum()))
        commas = self._rng.random(len(pool)) < 0.06
        sentences, at = [], 0
        for n in lengths:
            sentence = [
                w + "," if commas[at + i] and 2 < i < n - 2 else w
                for i, w in enumerate(pool[at : at + n])
            ]
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            sentences.append(" ".join(sentence) + ".")
            at += n
        return sentences

    def article(self, number: int) -> RawArticle:
        """An article of roughly 100 to 2,000 words in paragraphs of 1 to 5 sentences."""
        words = int(np.clip(self._rng.lognormal(np.log(self._median_words), 0.5), 100, 2000))
        sentences = self._sentences(words)
        breaks = np.cumsum(self._rng.integers(1, 6, len(sentences)))
        starts = [0, *breaks[breaks < len(sentences)].tolist()]
        ends = [*starts[1:], len(sentences)]
        text = "\n\n".join(" ".join(sentences[a:b]) for a, b in zip(starts, ends, strict=True))
        title = " ".join(w.capitalize() for w in self._sample_words(int(self._rng.integers(5, 11))))
        year, month, day = (
            int(self._rng.integers(a, b)) for a, b in ((2005, 2025), (1, 13), (1, 29))
        )
        return RawArticle(
            title=title,
            text=text,
            source=SOURCES[number % len(SOURCES)],
            published=f"{year:04d}-{month:02d}-{day:02d}",
            url=f"https://bench.example/articles/{number}",
            language="en",
        )

    def articles(self, count: int, first: int = 0) -> Iterator[RawArticle]:
        """`count` generated articles numbered from `first`."""
        for number in range(first, first + count):
            yield self.article(number)
