"""The real `cyberbrief` executable, run as a newcomer would: what they see, point by point.

One collection is built once for the module by the command the empty-collection message
suggests, so the real model loads in a handful of these commands only.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.terminal import Run, run_in_terminal
from tests.feedserver import FeedServer, rss

ROOT = Path(__file__).resolve().parents[2]
CYBERBRIEF = Path(sys.executable).with_name("cyberbrief")
VENV_BIN = str(CYBERBRIEF.parent)
TIMEOUT = 300  # seconds for any one command: loading the model is the slow part
QUESTION = "What did the DEA report say about the Zetas?"
# What `ask`, `search` and `chat` must never import: page extraction, feeds, HTTP, Telegram,
# the evaluation code.
HEAVY = ("trafilatura", "feedparser", "httpx", "telegram", "lxml", "retrieval.evaluation")


def environment(tmp: Path, on_path: bool = True, **extra: str) -> dict[str, str]:
    """A shell's environment: no cyberbrief settings, the default database under `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYBERBRIEF_", "TELEGRAM_"))}
    system_path = os.pathsep.join(
        p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != VENV_BIN
    )
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{system_path}" if on_path else system_path
    env.pop("VIRTUAL_ENV", None)
    env["XDG_DATA_HOME"] = str(tmp / "data")
    env["COLUMNS"] = "100"
    return {**env, **extra}


def cyberbrief(
    *args: str, env: dict[str, str], stdin: str = "", cwd: Path = ROOT, program: str = ""
) -> Run:
    """Run the executable with stdout and stderr piped, as in a script."""
    done = subprocess.run(
        [program or str(CYBERBRIEF), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=TIMEOUT,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def jsonl_records() -> str:
    """31 lines: 30 records, dates loose, unreadable and ambiguous; and a broken 4th line."""
    lines = []
    for n in range(30):
        published = {0: "2017-02-3", 1: "yesterday", 2: "3/2/2017"}.get(n, f"2017-03-{n:02d}")
        record = {
            "title": f"Phishing ring {n} dismantled",
            "text": f"Investigators in district {n} dismantled a phishing ring that stole banking"
            f" passwords from {n + 2} pensioners. The ring sent text messages posing as banks.",
            "source": "Example Wire",
            "published": published,
        }
        lines.append(json.dumps(record))
    lines.insert(3, '{"title": "broken')
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Library:
    """The module's collection: its environment, database, and how it was made."""

    env: dict[str, str]
    db: Path
    records: Path
    empty_ask: Run
    ingest: Run


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """An empty collection asked a question, then filled by the command it suggested."""
    tmp = tmp_path_factory.mktemp("newcomer")
    env = environment(tmp)
    db = tmp / "data" / "cyberbrief" / "cyberbrief.db"
    records = tmp / "news.jsonl"
    records.write_text(jsonl_records())
    empty_ask = cyberbrief("ask", "Zetas", env=env)
    suggested = re.search(r"add some with: (.+?) \(or follow", empty_ask.err)
    assert suggested, empty_ask.err
    command = [*shlex.split(suggested.group(1)), str(records)]
    ingest = run_in_terminal(command, env=env, cwd=ROOT, timeout=TIMEOUT)
    return Library(env, db, records, empty_ask, ingest)


# -- on the PATH, and commands suggested as they work ------------------------------------------


def test_an_empty_collection_says_how_to_fill_it_and_the_command_works(library: Library) -> None:
    assert library.empty_ask.code != 0 and library.empty_ask.out == ""
    assert library.empty_ask.err == (
        f"cyberbrief: no articles in {library.db} yet; add some with: cyberbrief ingest "
        "data/articles (or follow a feed: cyberbrief feeds add URL)\n"
    )
    assert library.ingest.out.startswith("33 added, 0 updated, 0 skipped, 1 failed"), library.ingest


def test_called_by_its_path_the_messages_show_that_path(tmp_path: Path) -> None:
    env = environment(tmp_path, on_path=False)
    run = cyberbrief("chat", env=env, cwd=tmp_path)
    shown = f"{CYBERBRIEF} ingest {ROOT / 'data' / 'articles'}"
    assert run.code != 0 and shown in run.err
    assert f"usage: {CYBERBRIEF} " in cyberbrief("--help", env=env).out


def test_make_install_user_puts_cyberbrief_on_the_path(tmp_path: Path) -> None:
    user_bin = tmp_path / "bin"
    made = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "install-user", f"USER_BIN={user_bin}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert f"{user_bin} is not on your PATH" in made.stdout
    env = environment(tmp_path, on_path=False)
    env["PATH"] = f"{user_bin}{os.pathsep}{env['PATH']}"
    found = subprocess.run(
        ["cyberbrief", "sources"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert found.stderr.startswith("cyberbrief: no articles in ")  # it ran, and says so


def test_without_a_command_it_shows_what_to_type_first(library: Library) -> None:
    run = cyberbrief(env=library.env)
    assert run.code == 2
    assert "start here:" in run.err and "cyberbrief ingest data/articles" in run.err


# -- database paths --------------------------------------------------------------------------


def test_a_database_in_a_folder_that_does_not_exist_is_named(library: Library) -> None:
    run = cyberbrief("--db", "/nonexistent/dir/x.db", "ask", "Zetas", env=library.env)
    assert run.code != 0 and run.out == ""
    assert run.err == (
        "cyberbrief: no folder /nonexistent/dir for the database /nonexistent/dir/x.db"
        " (check --db or CYBERBRIEF_DB)\n"
    )
    env = {**library.env, "CYBERBRIEF_DB": "/nonexistent/dir/x.db"}
    assert "no folder /nonexistent/dir" in cyberbrief("sources", env=env).err


def test_a_mistyped_database_name_is_not_created(library: Library, tmp_path: Path) -> None:
    typo = tmp_path / "cyberbreif.db"
    run = cyberbrief("search", "Zetas", "--db", str(typo), env=library.env)
    assert run.code != 0 and f"no articles in {typo} yet" in run.err
    assert not typo.exists()


# -- progress, errors once -------------------------------------------------------------------


def test_ingest_shows_progress_on_a_terminal(library: Library) -> None:
    terminal = library.ingest.err
    assert re.search(r"\d+/34 \[\d\d:\d\d<\d\d:\d\d, [^\]]* ?article", terminal), terminal
    assert "33 added" not in terminal  # the summary goes to stdout


def test_piped_ingest_shows_no_progress_and_each_problem_once(library: Library) -> None:
    run = cyberbrief("ingest", str(library.records), env=library.env)
    assert run.code == 1
    assert run.out.startswith("0 added, 0 updated, 30 skipped, 1 failed")
    records = library.records
    assert run.err.splitlines() == [
        f"warning: {records}:2: unreadable date 'yesterday'; stored without a date",
        f"warning: {records}:3: ambiguous date '3/2/2017' (day or month first?);"
        " stored without a date",
        f"failed: {records}:4: malformed JSON line (Unterminated string starting at)",
    ]


def test_logs_show_with_verbose_only(library: Library) -> None:
    run = cyberbrief("ingest", str(library.records), "-v", env=library.env)
    assert "INFO retrieval.core.ingest: cannot ingest" in run.err


def test_a_reader_that_goes_away_stops_it_quietly(library: Library) -> None:
    process = subprocess.Popen(
        [str(CYBERBRIEF), "sources"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=library.env,
        cwd=ROOT,
    )
    assert process.stdout and process.stderr
    process.stdout.close()  # as `| head -0` would
    err = process.stderr.read()
    assert (process.wait(timeout=TIMEOUT), err) == (141, b"")


# -- arguments checked where parsed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "Zetas", "-k", "-3"], "argument -k: must be 1 or more, got -3"),
        (["search", "Zetas", "-k", "0"], "argument -k: must be 1 or more, got 0"),
        (["search", "Zetas", "-k", "many"], "argument -k: expected a whole number, got 'many'"),
        (
            ["ask", "Zetas", "--since", "2017-02-3"],
            "argument --since: expected a date as YYYY-MM-DD (e.g. 2024-05-31), got '2017-02-3'",
        ),
        (["feeds", "remove", "0"], "argument ID: must be 1 or more, got 0"),
    ],
)
def test_bad_arguments_are_refused_with_the_expected_form(
    library: Library, args: list[str], message: str
) -> None:
    run = cyberbrief(*args, env=library.env)
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[-1].endswith(f"error: {message}")


def test_an_unknown_outlet_names_the_closest_and_sources_lists_them_all(library: Library) -> None:
    run = cyberbrief("ask", "Zetas", "--source", "InSight", env=library.env)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        "cyberbrief: no outlet called 'InSight'; did you mean 'InSight Crime'?"
        " (every outlet: cyberbrief sources)\n"
    )
    listed = cyberbrief("sources", env=library.env).out.splitlines()
    assert [line.split("  ")[0] for line in listed] == [
        "Example Wire",
        "European Commission, Home Affairs",
        "InSight Crime",
        "U.S. Embassy in Mexico",
    ]
    assert "30 articles  2017-02-03 to 2017-03-29" in listed[0]
    assert listed[2].endswith("  1 article  undated")  # one article, not "1 articles"


def test_the_outlet_matches_in_any_case(library: Library) -> None:
    run = cyberbrief(
        "search", "Zetas", "--source", "insight crime", "--mode", "bm25", "--json", env=library.env
    )
    hits = [json.loads(line) for line in run.out.splitlines()]
    assert run.code == 0 and hits and {hit["source"] for hit in hits} == {"InSight Crime"}


# -- help, dates -----------------------------------------------------------------------------


def test_help_gives_formats_and_an_example(library: Library) -> None:
    ingest = cyberbrief("ingest", "--help", env=library.env).out
    for shown in (".jsonl", ".md", ".html", '"text" (required', '"published"', "examples:"):
        assert shown in ingest
    assert "cyberbrief ingest data/articles" in ingest
    ask = cyberbrief("ask", "--help", env=library.env).out
    assert "--since YYYY-MM-DD" in ask and 'cyberbrief ask "' in ask


def test_loose_dates_are_read_and_unreadable_ones_dropped_not_the_article(
    library: Library,
) -> None:
    run = cyberbrief("sources", "--json", env=library.env)
    wire = json.loads(run.out.splitlines()[0])
    assert wire == {
        "name": "Example Wire",
        "articles": 30,  # the broken line failed alone
        "first_published": "2017-02-03",  # written 2017-02-3
        "last_published": "2017-03-29",
    }


# -- feeds -----------------------------------------------------------------------------------


def test_a_local_feed_is_refused_naming_the_setting_that_allows_it(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    item = {"title": "Phishing ring dismantled", "link": "https://n.example/1", "guid": "1"}
    text = "Investigators dismantled a phishing ring that stole banking passwords. " * 12
    feed_server.set("/wire.rss", rss([{**item, "content": text}], title="Wire"))
    env = environment(tmp_path)
    refused = cyberbrief("feeds", "add", feed_server.url("/wire.rss"), env=env)
    assert refused.code == 2
    assert "127.0.0.1 is a private or local address" in refused.err
    assert "set CYBERBRIEF_ALLOW_HOSTS=127.0.0.1" in refused.err
    assert "No feeds followed" in cyberbrief("feeds", "list", env=env).out
    # Followed once allowed: tests/cli/test_cli.py (in-process, sparing a model load here).


# -- only what the command needs is imported --------------------------------------------------


# The real executable's script, run after noting every module loaded when the process ends.
WITH_MODULES = """\
import atexit, runpy, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def with_modules(*args: str, env: dict[str, str], stdin: str = "") -> tuple[Run, set[str]]:
    """Run cyberbrief with these arguments; what it printed, and every module it loaded."""
    run = cyberbrief(
        "-c", WITH_MODULES, str(CYBERBRIEF), *args, env=env, stdin=stdin, program=sys.executable
    )
    lines = run.err.splitlines()
    modules = {name for line in lines if line.startswith("MODULES ") for name in line.split()[1:]}
    err = "\n".join(line for line in lines if not line.startswith("MODULES "))
    return Run(run.code, run.out, err), modules


def heavy(modules: set[str]) -> list[str]:
    """The heavy modules (or their submodules) among those loaded."""
    return sorted(m for m in modules if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY)))


@pytest.mark.parametrize(
    ("args", "stdin", "shown"),
    [
        (["ask", QUESTION], "", "— DEA report: Mexican cartels"),
        (["search", "Zetas hackers", "--mode", "bm25", "-k", "1"], "", "1. ["),
        (["chat"], "quit\n", "cyberbrief: 33 articles"),
    ],
    ids=["ask", "search", "chat"],
)
def test_questions_load_only_what_they_need(
    library: Library, args: list[str], stdin: str, shown: str
) -> None:
    run, modules = with_modules(*args, env=library.env, stdin=stdin)
    assert run.code == 0 and shown in run.out, run.err[-2000:]
    assert "retrieval.cli.questions" in modules
    assert heavy(modules) == []


def test_the_module_check_sees_heavy_modules_when_they_are_loaded(library: Library) -> None:
    run, modules = with_modules("feeds", "list", env=library.env)
    assert run.code == 0 and "No feeds followed" in run.out
    assert {"httpx", "feedparser"} <= set(heavy(modules))
