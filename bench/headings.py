"""Briefing headings judged on real news: the BBC News corpus (Greene & Cunningham, ICML 2006).

The corpus (2,225 BBC News articles of 2004-05 in five folders, business to tech; made available
by its authors for non-commercial research, so not shipped here) is read from a folder of
`<category>/<nnn>.txt` files whose first line is the headline. A sample is embedded with the real
model and dated over consecutive days; each day gets its briefing, and every section heading is
printed as the keyword heading used before (three telling words) and as the shared phrase now,
with counts of headings holding a weekday or month, a filler word, or a phrase no two of the
section's stories share.

    python -m bench.headings PATH/TO/bbc [--per-day 12] [--days 25] [--seed 7] [--examples 12]
        [--store FILE]
"""

import argparse
import math
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval.briefings.builder import Briefer, BriefStory
from retrieval.briefings.headings import GENERIC_WORDS, OTHERS, TIME_WORDS
from retrieval.core.collection import Collection
from retrieval.core.onnx_embedder import OnnxEmbedder
from retrieval.core.store import Store
from retrieval.text.documents import RawArticle
from retrieval.text.query import stems, terms


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.headings", description=__doc__)
    parser.add_argument("corpus", type=Path, help="the BBC News folder (business/, …, tech/)")
    parser.add_argument("--per-day", type=int, default=12)
    parser.add_argument("--days", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--examples", type=int, default=12)
    parser.add_argument("--store", type=Path, help="keep the embedded sample here, to reuse")
    return parser.parse_args(argv)


def sample(folder: Path, count: int, seed: int) -> list[tuple[str, str, str]]:
    """(category, headline, text) of `count` articles drawn evenly from the categories."""
    files = sorted(folder.glob("*/*.txt"))
    if not files:
        raise SystemExit(f"no <category>/<nnn>.txt files under {folder}")
    random.Random(seed).shuffle(files)
    articles = []
    for path in files[:count]:
        raw = path.read_bytes().decode("utf-8", errors="replace")
        headline, _, text = raw.strip().partition("\n")
        articles.append((path.parent.name, headline.strip(), text.strip()))
    return articles


def keyword_heading(members: Sequence[BriefStory], stories: Sequence[BriefStory]) -> str:
    """The heading used before: a section's three most telling words, as "A · B · C"."""

    def words(story: BriefStory) -> list[str]:
        return terms(" ".join([story.article.title, *(q.text for q in story.quotes)]))

    counts = Counter(word for story in stories for word in set(words(story)))
    inside = Counter(word for story in members for word in set(words(story)))
    total = len(stories)
    ranked = sorted(
        inside, key=lambda w: (-(inside[w] * math.log(1 + total / counts[w])), -len(w), w)
    )
    chosen = [w for w in ranked if len(w) > 2 and not w.isdigit()][:3]
    return " · ".join(word.capitalize() for word in chosen) or "Other news"


def flaws(heading: str, members: Sequence[BriefStory]) -> set[str]:
    """What is wrong with a heading: a time word, a filler word, nothing the stories share."""
    found = set()
    words = terms(heading.replace("·", " "))
    if any(w in TIME_WORDS for w in words):
        found.add("time")
    if any(w in GENERIC_WORDS for w in words):
        found.add("filler")
    if len(members) > 1:  # shared: in two stories' headline or text at least
        texts = [f" {' '.join(stems(s.article.title + ' ' + s.article.text))} " for s in members]
        parts = [f" {' '.join(stems(part))} " for part in heading.split("·")]
        if not all(sum(part in text for text in texts) >= 2 for part in parts):
            found.add("not shared")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Ingest the sample, brief each day, print headings before and after with their flaws."""
    args = parse(argv)
    articles = sample(args.corpus, args.per_day * args.days, args.seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="cyberbrief-headings-") as folder:
        path = args.store or Path(folder) / "headings.db"
        fresh = not path.exists()
        store = Store(path)
        collection = Collection(store, OnnxEmbedder())
        raws = [
            RawArticle(
                headline,
                text,
                "BBC News",
                (start + timedelta(days=n // args.per_day, hours=n % args.per_day)).isoformat(),
                url=f"https://bbc.example/{category}/{n}",
            )
            for n, (category, headline, text) in enumerate(articles)
        ]
        if fresh:
            print(f"embedding {len(raws)} articles…", file=sys.stderr)
            collection.ingest(raws)
        briefer = Briefer(collection)
        clusters: list[Cluster] = []
        for day in range(args.days):
            since = start + timedelta(days=day)
            briefing = briefer.build(since, since + timedelta(days=1))
            stories = briefing.stories
            for section in briefing.sections:
                if section.heading in (OTHERS, None):  # before, each had a heading of its own
                    clusters += [
                        Cluster((s,), keyword_heading([s], stories), None) for s in section.stories
                    ]
                else:
                    before = keyword_heading(section.stories, stories)
                    clusters.append(Cluster(section.stories, before, section.heading))
        store.close()
    report(clusters, args.examples)
    return 0


@dataclass(frozen=True)
class Cluster:
    """Stories the briefing groups together, their heading before, and now (None: ungrouped)."""

    stories: tuple[BriefStory, ...]
    before: str
    now: str | None


def report(clusters: list[Cluster], examples: int) -> None:
    """Counts of flawed headings before and after, then examples of grouped sections."""
    old = Counter(flaw for c in clusters for flaw in flaws(c.before, c.stories))
    grouped = [c for c in clusters if c.now is not None]
    new = Counter(flaw for c in grouped for flaw in flaws(c.now or "", c.stories))
    loose = len(clusters) - len(grouped)
    stories = sum(len(c.stories) for c in clusters)
    print(f"{stories} stories briefed, {len(grouped)} groups of related stories\n")
    print("| headings | count | a weekday or month | a filler word | not shared by the group |")
    print("|---|---|---|---|---|")
    print(
        f"| before: three telling words, every section | {len(clusters)} | {old['time']} "
        f"| {old['filler']} | {old['not shared']} |"
    )
    print(
        f"| now: the shared phrase, groups only | {len(grouped)} | {new['time']} "
        f"| {new['filler']} | {new['not shared']} |"
    )
    print(f"\n{loose} stories sharing no phrase with another are listed under '{OTHERS}'.\n")
    print("| before | now | the group's headlines |")
    print("|---|---|---|")
    for cluster in grouped[:examples]:
        titles = " / ".join(s.article.title for s in cluster.stories)
        print(f"| {cluster.before} | {cluster.now} | {titles} |")


if __name__ == "__main__":
    sys.exit(main())
