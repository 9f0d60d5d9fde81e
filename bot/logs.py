"""Logging that never shows the bot token, even inside an error message or a traceback."""

import logging

PLACEHOLDER = "[token]"


class Redact(logging.Filter):
    """Replaces a secret in a record's message and traceback before any handler writes it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without the secret; never drops it."""
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, PLACEHOLDER), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, PLACEHOLDER)
        return True


def hide_token(token: str) -> None:
    """Keep the token out of every log line: redact it, and quiet httpx (its URLs carry it)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not token:
        return
    for handler in logging.getLogger().handlers:
        handler.addFilter(Redact(token))
