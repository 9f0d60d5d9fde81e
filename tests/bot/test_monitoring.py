"""Alert and feed metrics move as alerts are queued, sent and refused, and feeds fail."""

from types import SimpleNamespace

import httpx
from prometheus_client import REGISTRY

from bot.alerts.delivery import AlertJobs
from bot.monitoring import MonitoringServer
from retrieval.alerts.alerter import Alerter
from retrieval.news.fetch import Fetcher
from retrieval.news.poller import Poller
from tests.bot.conftest import BotHarness
from tests.bot.test_subscribing import HOSPITALS, TOPIC, deliver


def count(name: str, **labels: str) -> float:
    """A counter's current value."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_alerts_queued_sent_and_failed_are_counted(bot: BotHarness) -> None:
    queued, sent = (
        count("cyberbrief_alerts_total", outcome="queued"),
        count("cyberbrief_alerts_total", outcome="sent"),
    )
    failed = count("cyberbrief_alerts_total", outcome="failed")
    bot.say(f"/subscribe {TOPIC}")
    bot.assistant.collection.ingest([HOSPITALS])
    bot.telegram.fail_next("sendMessage", 400, "Bad Request: something odd")
    assert len(deliver(bot)) == 1
    assert count("cyberbrief_alerts_total", outcome="queued") == queued + 1
    assert count("cyberbrief_alerts_total", outcome="failed") == failed + 1
    assert len(deliver(bot, later=3600)) == 1
    assert count("cyberbrief_alerts_total", outcome="sent") == sent + 1


def test_feed_poll_errors_are_counted(bot: BotHarness) -> None:
    collection = bot.assistant.collection
    poller = Poller(collection, Fetcher())  # refuses private addresses: the poll fails
    poller.feeds.add("http://10.0.0.7/rss")
    errors = count("cyberbrief_feed_poll_errors_total")
    jobs = AlertJobs(Alerter(collection), poller, bot.assistant)
    bot.loop.run_until_complete(jobs.poll(SimpleNamespace(bot=bot.application.bot)))
    assert count("cyberbrief_feed_poll_errors_total") == errors + 1


def test_health_fails_when_the_database_does_not_answer() -> None:
    def broken() -> None:
        raise OSError("disk gone")

    server = MonitoringServer("127.0.0.1", 0, broken).start()
    try:
        reply = httpx.get(f"http://127.0.0.1:{server.port}/healthz", trust_env=False)
        assert reply.status_code == 503 and "disk gone" in reply.json()["database"]
    finally:
        server.stop()
