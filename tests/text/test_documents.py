"""Reading articles from files: every format, and bad files reported by name with a reason."""

import json
from pathlib import Path

from retrieval.text.documents import Failure, RawArticle, article_count, find_files, read_file


def read(path: Path) -> list[RawArticle | Failure]:
    return list(read_file(path))


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Cartels online\nsource: InSight Crime\npublished: 2012-05-03\n"
        "url: https://Example.com/story?utm_source=x&id=7#top\nlanguage: en\n---\n"
        "# Heading\n\nThe **DEA** said [cartels](https://x.y) use networks.\n"
    )
    (article,) = read(path)
    assert isinstance(article, RawArticle)
    assert article.title == "Cartels online"
    assert article.source == "InSight Crime"
    assert article.published == "2012-05-03"
    assert article.url == "https://example.com/story?id=7"
    assert article.text == "Heading\n\nThe DEA said cartels use networks."


def test_text_file_takes_a_short_first_line_as_title(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Cartels and the Internet\n\nBody sentence one. Body two.\n")
    (article,) = read(path)
    assert isinstance(article, RawArticle)
    assert (article.title, article.text) == (
        "Cartels and the Internet",
        "Body sentence one. Body two.",
    )


def test_html_page_keeps_the_article_and_drops_the_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    body = " ".join(
        f"Cartels recruit youths through social networks, sentence {i}." for i in range(8)
    )
    path.write_text(
        "<html><head><title>Cartels online - InSight</title>"
        '<meta property="og:site_name" content="InSight Crime">'
        '<meta name="date" content="2012-05-03"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/x'>Click here to skip navigation</a></nav>"
        f"<article><h1>Cartels online</h1><p>{body}</p>"
        "<p>Second paragraph &amp; more.</p></article>"
        "<footer>back to top ^</footer></body></html>"
    )
    (article,) = read(path)
    assert isinstance(article, RawArticle)
    assert "Cartels recruit youths" in article.text and "Second paragraph & more." in article.text
    assert "Click here" not in article.text and "back to top" not in article.text
    assert article.title.startswith("Cartels online")
    assert article.published == "2012-05-03"


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    records = [
        {
            "title": "One",
            "text": "First text.",
            "url": "https://a.example/1",
            "published": "2024-01-02T10:00:00Z",
            "source": "Outlet",
        },
        {"title": "Two", "content": "<p>Second <b>text</b>.</p><p>More.</p>"},
    ]
    (tmp_path / "list.json").write_text(json.dumps(records))
    one, two = read(tmp_path / "list.json")
    assert isinstance(one, RawArticle) and isinstance(two, RawArticle)
    assert one.published == "2024-01-02T10:00:00+00:00" and one.source == "Outlet"
    assert "<" not in two.text and "Second text." in two.text
    lines = [
        json.dumps(records[0]),
        "{not json",
        "",
        json.dumps([1, 2]),
        json.dumps({"title": "x"}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines))
    results = read(tmp_path / "feed.jsonl")
    assert isinstance(results[0], RawArticle)
    failures = [(f.name.rsplit("/", 1)[-1], f.reason) for f in results if isinstance(f, Failure)]
    assert failures == [
        ("feed.jsonl:2", "malformed JSON line (Expecting property name enclosed in double quotes)"),
        ("feed.jsonl:4", "record is not a JSON object"),
        ("feed.jsonl:5", "record has no text"),
    ]


def test_bad_files_fail_with_a_reason(tmp_path: Path) -> None:
    cases = {
        "empty.md": (b"", "empty file"),
        "blank.txt": (b"  \n\n ", "empty file"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        "latin1.txt": ("Malmstr\u00f6m".encode("latin-1"), "not UTF-8 text (byte 7)"),
        "broken.json": (
            b'{"title": "x", ',
            "malformed JSON (line 1: Expecting property name enclosed in double quotes)",
        ),
        "only-front.md": (b"---\ntitle: x\n---\n", "no article text"),
        "picture.png": (b"\x89PNG", "unsupported file type '.png'"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    for name, (_, reason) in cases.items():
        (failure,) = read(tmp_path / name)
        assert failure == Failure(str(tmp_path / name), reason)


def test_folders_expand_to_supported_files_and_missing_paths_fail(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.md", "a.txt", "sub/c.jsonl", "skip.png"):
        (tmp_path / name).write_text("x")
    found = list(find_files([tmp_path, tmp_path / "missing.md"]))
    assert [p.name for p in found if isinstance(p, Path)] == ["a.txt", "b.md", "c.jsonl"]
    assert found[-1] == Failure(str(tmp_path / "missing.md"), "no such file or folder")


def test_a_folder_without_article_files_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (failure,) = find_files([tmp_path])
    assert isinstance(failure, Failure) and failure.name == str(tmp_path)
    assert ".jsonl" in failure.reason and ".md" in failure.reason


def test_an_unreadable_file_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"  # a folder where a file was expected: reading it fails
    folder.mkdir()
    (failure,) = read(folder)
    assert isinstance(failure, Failure) and failure.reason.startswith("cannot read it (")


def test_dates_are_read_leniently_and_an_unreadable_one_is_dropped_not_the_article(
    tmp_path: Path,
) -> None:
    records = [
        {"title": "Loose", "text": "One.", "published": "2017-02-3"},
        {"title": "Spanish", "text": "Two.", "date": "3 de mayo de 2012"},
        {"title": "Mail", "text": "Three.", "published": "Wed, 03 May 2012 10:00:00 GMT"},
        {"title": "Never", "text": "Four.", "published": "yesterday"},
        {"title": "Either", "text": "Five.", "published": "3/2/2017"},
    ]
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    articles = read(path)
    assert all(isinstance(a, RawArticle) for a in articles)
    assert [(a.title, a.published, a.warnings) for a in articles if isinstance(a, RawArticle)] == [
        ("Loose", "2017-02-03", ()),
        ("Spanish", "2012-05-03", ()),
        ("Mail", "2012-05-03T10:00:00+00:00", ()),
        ("Never", None, ("unreadable date 'yesterday'; stored without a date",)),
        (
            "Either",
            None,
            ("ambiguous date '3/2/2017' (day or month first?); stored without a date",),
        ),
    ]


def test_article_count_matches_what_is_read(tmp_path: Path) -> None:
    files = {
        "a.jsonl": '{"text": "x"}\n\n{broken\n{"text": "y"}\n',
        "b.json": '[{"text": "x"}, {"text": "y"}, 3]',
        "c.json": "{broken",
        "d.md": "Text.",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        assert article_count(tmp_path / name) == len(read(tmp_path / name)), name
