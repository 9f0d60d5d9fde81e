"""Answering never imports torch: `ask`, `search`, `chat` and the bot run on ONNX Runtime alone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent

# Runs the commands in one fresh interpreter, then prints the heavy modules they brought in.
SCRIPT = """
import io, sys
from datetime import timedelta
from bot.app import build_application
from bot.cli import main
from bot.settings import BotSettings
from retrieval.conversations.assistant import Assistant
from retrieval.core.collection import Collection
from retrieval.core.config import Settings

db = sys.argv[1]
assert main(["--db", db, "ingest", "data/articles"]) == 0
assert main(["--db", db, "ask", "How do drug cartels use social networks?"]) == 0
assert main(["--db", db, "search", "EU-US cooperation"]) == 0
sys.stdin = io.StringIO("What is EC3?\\nquit\\n")
assert main(["--db", db, "chat"]) == 0
settings = Settings.from_env(db=db)
assistant = Assistant(Collection.open(settings), timedelta(minutes=5))
assistant.collection.embedder.load()
build_application(BotSettings(token="1:x", api_url="http://127.0.0.1:9"), assistant)
print("HEAVY", sorted(m for m in ("torch", "sentence_transformers", "transformers")
                      if m in sys.modules))
"""


def test_answering_never_imports_torch(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CYBERBRIEF_")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "t.db")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "drug cartels" in done.stdout  # the commands really answered
    assert "HEAVY []" in done.stdout
