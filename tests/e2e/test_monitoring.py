"""Metrics and health on a port of their own, scraped while the real bot runs: polling in this
process, and webhook mode as the `cyberbrief bot` command runs it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram_emulator import DEFAULT_USER, EmulatorClient, assert_valid_telegram_html

from bot.app import MONITORING
from retrieval.core.collection import Collection

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER_ID = DEFAULT_USER["id"]
ROOT = Path(__file__).resolve().parents[2]


def metric(text: str, name: str) -> float:
    """The value of one sample in Prometheus text output (0 when absent)."""
    found = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def scrape(port: int) -> str:
    """GET /metrics."""
    reply = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5, trust_env=False)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    return reply.text


def test_metrics_and_health_while_polling(
    tg: EmulatorClient, start_bot: Callable[..., Any], collection: Collection
) -> None:
    runner, _ = start_bot(metrics_port=0)
    port = runner.application.bot_data[MONITORING].port
    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5, trust_env=False)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    before = scrape(port)
    tg.send_message("How many children were rescued in Europe?")
    tg.send_message("What is a good recipe for banana bread?")
    answers = tg.wait_for_messages(USER_ID, count=2, timeout=30)
    assert all(assert_valid_telegram_html(a) for a in answers)
    after = scrape(port)
    assert (
        metric(after, "cyberbrief_updates_total") >= metric(before, "cyberbrief_updates_total") + 2
    )
    answered = "cyberbrief_answer_seconds_count"
    assert metric(after, answered) == metric(before, answered) + 2
    abstained = "cyberbrief_abstentions_total"
    assert metric(after, abstained) == metric(before, abstained) + 1
    assert "cyberbrief_feed_poll_errors_total" in after
    missing = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, trust_env=False)
    assert missing.status_code == 404


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_metrics_and_health_in_webhook_mode(
    tg: EmulatorClient, collection: Collection, tmp_path: Path
) -> None:
    hook, metrics = free_port(), free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": tg.token,
        "CYBERBRIEF_DB": str(collection.store.db.execute("PRAGMA database_list").fetchone()[2]),
        "CYBERBRIEF_METRICS_PORT": str(metrics),
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    command = [
        sys.executable, "-m", "bot.cli", "bot", "--api-url", tg.emulator.root_url,
        "--webhook", f"http://127.0.0.1:{hook}/hook", "--webhook-secret", "s3cret",
        "--listen", "127.0.0.1", "--port", str(hook),
    ]  # fmt: skip
    log = (tmp_path / "bot.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # the model loads at start-up
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{metrics}/healthz", trust_env=False).is_success:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "bot.log").read_text()
            time.sleep(0.5)
        else:
            pytest.fail("the bot never served /healthz: " + (tmp_path / "bot.log").read_text())
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1, "date": int(time.time()), "text": "/whoami",
                "chat": {"id": USER_ID, "type": "private", "first_name": "A"},
                "from": {"id": USER_ID, "is_bot": False, "first_name": "A"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        }  # fmt: skip
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        for _ in range(60):  # the webhook server starts just after the metrics server
            try:
                posted = httpx.post(
                    f"http://127.0.0.1:{hook}/hook", json=update, headers=headers, trust_env=False
                )
                break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("the webhook never listened: " + (tmp_path / "bot.log").read_text())
        assert posted.status_code == 200
        (reply,) = tg.wait_for_messages(USER_ID, timeout=30)
        assert f"Your Telegram id is {USER_ID}" in assert_valid_telegram_html(reply)
        assert metric(scrape(metrics), "cyberbrief_updates_total") >= 1
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
