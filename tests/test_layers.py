"""The architecture, checked: imports point down the layers only, and modules stay small."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

# A package may import itself and any package of a lower layer, never one beside or above it.
LAYERS = {
    "retrieval.text": 0,
    "retrieval.language": 0,
    "retrieval.core": 1,
    "retrieval.conversations": 2,
    "retrieval.news": 2,
    "retrieval.evaluation": 2,
    "retrieval.workers": 2,
    "retrieval.alerts": 3,
    "retrieval.briefings": 4,
    "retrieval.operations": 5,
    "retrieval.cli": 6,
    "bot": 7,
}
# What only some layers may use: Telegram only in bot/, SQL never in bot/.
FORBIDDEN = {"retrieval": ("telegram",), "bot": ("sqlite3", "sqlite_utils", "psycopg", "pgvector")}


def modules() -> list[Path]:
    """Every Python module of the application."""
    return sorted(p for package in ("retrieval", "bot") for p in (ROOT / package).rglob("*.py"))


def dotted(path: Path) -> str:
    """The module name of a file."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def package_of(module: str) -> str | None:
    """The layered package a module belongs to (the longest prefix in LAYERS)."""
    found = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(found, key=len) if found else None


def imported(source: str) -> list[str]:
    """Every module some code imports, as written (`from a import b` gives a and a.b)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def violations(module: str, source: str) -> list[str]:
    """The imports of a module that point sideways or up the layers, or at forbidden libraries."""
    own = package_of(module)
    found = []
    for name in imported(source):
        target = package_of(name)
        if own and target and target != own and LAYERS[target] >= LAYERS[own]:
            found.append(f"{module} imports {name} ({target} is not below {own})")
        top = module.split(".")[0]
        if name.split(".")[0] in FORBIDDEN.get(top, ()):
            found.append(f"{module} imports {name}")
    return found


def test_every_module_belongs_to_a_layer() -> None:
    unplaced = [
        dotted(p) for p in modules() if package_of(dotted(p)) is None and p.name != "__init__.py"
    ]
    assert unplaced == []


def test_imports_point_down_the_layers() -> None:
    found = [v for p in modules() for v in violations(dotted(p), p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_check_catches_an_upward_import() -> None:
    source = "from retrieval.alerts.store import AlertStore\nimport telegram\n"
    assert violations("retrieval.core.probe", source) == [
        "retrieval.core.probe imports retrieval.alerts.store "
        "(retrieval.alerts is not below retrieval.core)",
        "retrieval.core.probe imports retrieval.alerts.store.AlertStore "
        "(retrieval.alerts is not below retrieval.core)",
        "retrieval.core.probe imports telegram",
    ]


def test_the_check_catches_a_sideways_import_and_sql_in_the_bot() -> None:
    assert violations("retrieval.news.probe", "from retrieval.conversations import followup\n")
    assert violations("bot.probe", "import sqlite3\n") == ["bot.probe imports sqlite3"]
    assert violations("retrieval.briefings.probe", "from retrieval.alerts import store\n") == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines"
