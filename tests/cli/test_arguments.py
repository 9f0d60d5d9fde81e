"""The CLI's own helpers: argument types, outlet names, how the command is called."""

import argparse
import os
from datetime import date
from pathlib import Path

import pytest

from retrieval.cli import common
from retrieval.cli.arguments import day, positive_int
from retrieval.cli.collection import outlet_named
from retrieval.cli.common import CommandError, program
from retrieval.cli.main import check_database
from retrieval.core.models import Outlet

OUTLETS = [
    Outlet(name, 1, None, None)
    for name in ("InSight Crime", "European Commission, Home Affairs", "U.S. Embassy in Mexico")
]


def test_counts_and_dates() -> None:
    assert positive_int("3") == 3 and day("2024-05-31") == date(2024, 5, 31)
    for bad in ("0", "-3", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            positive_int(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="YYYY-MM-DD"):
        day("31/05/2024")


@pytest.mark.parametrize(
    ("asked", "found"),
    [("insight crime", "InSight Crime"), ("  InSight   Crime ", "InSight Crime")],
)
def test_an_outlet_is_found_in_any_case(asked: str, found: str) -> None:
    assert outlet_named(asked, OUTLETS) == found


@pytest.mark.parametrize(
    ("asked", "suggested"),
    [
        ("InSight", "did you mean 'InSight Crime'?"),
        ("Insigth Crime", "did you mean 'InSight Crime'?"),
        ("embassy", "did you mean 'U.S. Embassy in Mexico'?"),
    ],
)
def test_an_unknown_outlet_suggests_the_closest(asked: str, suggested: str) -> None:
    with pytest.raises(CommandError, match=suggested):
        outlet_named(asked, OUTLETS)


def test_an_outlet_like_none_gets_no_suggestion() -> None:
    with pytest.raises(CommandError) as raised:
        outlet_named("Reuters", OUTLETS)
    assert "did you mean" not in str(raised.value) and "sources" in str(raised.value)


def test_program_is_the_name_on_the_path_else_the_path_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "bin" / "cyberbrief"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr("sys.argv", [str(script), "ask"])
    monkeypatch.setenv("PATH", "/usr/bin")
    assert program() == str(script)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}/usr/bin")
    assert program() == "cyberbrief"
    monkeypatch.setattr("sys.argv", ["/somewhere/pytest"])
    assert program() == "cyberbrief"


def test_the_shipped_articles_are_shown_as_they_can_be_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(common._SHIPPED_ARTICLES.parent.parent)
    assert common.shipped_articles() == "data/articles"
    monkeypatch.chdir(tmp_path)
    assert common.shipped_articles() == str(common._SHIPPED_ARTICLES)


def test_database_paths(tmp_path: Path) -> None:
    check_database(tmp_path / "new.db", explicit=True)  # a new file in a folder that exists
    check_database(tmp_path / "made" / "later.db", explicit=False)  # the default: made on use
    with pytest.raises(CommandError, match=f"no folder {tmp_path / 'typo'}"):
        check_database(tmp_path / "typo" / "x.db", explicit=True)
    with pytest.raises(CommandError, match="is a folder"):
        check_database(tmp_path, explicit=True)
