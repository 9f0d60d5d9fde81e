"""The bot token never reaches a log line."""

import io
import logging

from bot.logs import Redact


def test_token_is_redacted_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact("123:SECRET"))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    try:
        log.warning("calling %s", "https://api/bot123:SECRET/getMe")
        try:
            raise ValueError("bad URL https://api/bot123:SECRET/sendMessage")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert "SECRET" not in written
    assert "https://api/bot[token]/getMe" in written and "bot[token]/sendMessage" in written
