"""The bot's settings, built once from the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from retrieval.core.config import ConfigError, Policy, owner_ids

Number = TypeVar("Number", int, float)


class SettingsError(ValueError):
    """An environment variable holds a value the bot cannot use."""


@dataclass(frozen=True)
class BotSettings:
    """Everything configurable about the Telegram bot."""

    token: str = ""
    api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    flood_limit: int = 10
    flood_window: float = 60.0
    followup_minutes: float = 10.0
    typing_delay: float = 0.5
    owners: frozenset[int] = frozenset()
    poll_seconds: float = 60.0
    deliver_seconds: float = 10.0
    schedule_seconds: float = 30.0
    policy: Policy = Policy()
    metrics_port: int | None = None  # /metrics and /healthz; None: not served
    metrics_listen: str = "127.0.0.1"

    def __repr__(self) -> str:
        """Like the dataclass repr, with the secrets hidden."""
        hidden = replace(
            self,
            token="***" if self.token else "",
            webhook_secret="***" if self.webhook_secret else None,
        )
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(hidden).items())
        return f"BotSettings({fields})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides: object) -> "BotSettings":
        """Settings from TELEGRAM_BOT_TOKEN and CYBERBRIEF_* variables; overrides given win."""
        values: dict[str, object] = {
            "token": env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            "api_url": env.get("CYBERBRIEF_API_URL") or None,
            "webhook_url": env.get("CYBERBRIEF_WEBHOOK_URL") or None,
            "webhook_secret": env.get("CYBERBRIEF_WEBHOOK_SECRET") or None,
            "listen": env.get("CYBERBRIEF_LISTEN") or cls.listen,
            "port": _number(env, "CYBERBRIEF_PORT", int, cls.port),
            "flood_limit": _number(env, "CYBERBRIEF_FLOOD_LIMIT", int, cls.flood_limit),
            "flood_window": _number(env, "CYBERBRIEF_FLOOD_WINDOW", float, cls.flood_window),
            "followup_minutes": _number(
                env, "CYBERBRIEF_FOLLOWUP_MINUTES", float, cls.followup_minutes
            ),
            "typing_delay": _number(env, "CYBERBRIEF_TYPING_DELAY", float, cls.typing_delay),
            "poll_seconds": _number(env, "CYBERBRIEF_POLL_SECONDS", float, cls.poll_seconds),
            "deliver_seconds": _number(
                env, "CYBERBRIEF_DELIVER_SECONDS", float, cls.deliver_seconds
            ),
            "metrics_port": _number(env, "CYBERBRIEF_METRICS_PORT", int, None),
            "metrics_listen": env.get("CYBERBRIEF_METRICS_LISTEN") or cls.metrics_listen,
        }
        try:
            values["policy"] = Policy.from_env(env)
            values["owners"] = owner_ids(env)
        except ConfigError as error:
            raise SettingsError(str(error)) from error
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]


def _number(
    env: Mapping[str, str], name: str, kind: type[Number], default: Number | None
) -> Number | None:
    """A positive number from the environment, or the default when unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from error
    if value < 0:
        raise SettingsError(f"{name} must not be negative")
    return value
