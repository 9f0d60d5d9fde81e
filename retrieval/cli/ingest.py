"""The ingest command: articles from files, folders and web pages, with progress and a summary."""

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from retrieval.cli.progress import progress_bar, progress_over
from retrieval.core.collection import Collection
from retrieval.core.config import Settings
from retrieval.language.messages import _
from retrieval.news.fetch import Fetcher, FetchError, PrivateAddress
from retrieval.news.poller import page_article
from retrieval.text.documents import article_count, find_files, read_file
from retrieval.text.raw import Failure, RawArticle

WEB = ("http://", "https://")


def ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Store articles from files, folders and web pages; exit 1 if anything failed."""
    urls = [p for p in args.paths if p.lower().startswith(WEB)]
    files = list(find_files([Path(p) for p in args.paths if p not in urls]))
    total = len(urls) + sum(article_count(f) if isinstance(f, Path) else 1 for f in files)
    collection = Collection.open(settings)
    fetcher = Fetcher(settings.allowed_hosts)
    warnings: list[str] = []

    def items() -> Iterator[RawArticle | Failure]:
        for entry in [*files, *urls]:
            for item in _read(entry, fetcher):
                if isinstance(item, RawArticle):
                    warnings.extend(f"{item.origin}: {warning}" for warning in item.warnings)
                yield item

    with progress_bar(total, "article") as bar:
        report = collection.ingest(items(), on_item=bar.update, progress=_reembedding)
    for warning in warnings:
        print(_("warning: %(warning)s") % {"warning": warning}, file=sys.stderr)
    for failure in report.failures:
        print(_("failed: %(name)s: %(reason)s") % vars(failure), file=sys.stderr)
    print(report.summary + " " + _("(database: %(path)s)") % {"path": settings.database})
    return 1 if report.failures else 0


def _reembedding(article_ids: list[int]) -> Iterable[int]:
    """The articles another model variant embedded, with a bar while they are re-embedded."""
    return progress_over(article_ids, len(article_ids), "re-embedding for the current model")


def _read(entry: Path | Failure | str, fetcher: Fetcher) -> Iterator[RawArticle | Failure]:
    """The articles of a file, the article of a web page, or why it could not be read."""
    if isinstance(entry, Failure):
        yield entry
    elif isinstance(entry, Path):
        yield from read_file(entry)
    else:
        try:
            yield page_article(fetcher, entry)
        except PrivateAddress as error:
            reason = _("%(error)s (to allow it for local testing, set %(allow)s)") % {
                "error": error,
                "allow": f"CYBERBRIEF_ALLOW_HOSTS={error.host}",
            }
            yield Failure(entry, reason)
        except FetchError as error:
            yield Failure(entry, str(error))
