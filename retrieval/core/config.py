"""Settings built once from the environment and passed down explicitly."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from retrieval.language.detection import DEFAULT, Language, language_of

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: str) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return target.startswith(POSTGRES_SCHEMES)


def redacted(url: str) -> str:
    """A PostgreSQL URL fit to print: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def default_db_path(env: Mapping[str, str]) -> Path:
    """The database used when neither --db nor CYBERBRIEF_DB says otherwise."""
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cyberbrief" / "cyberbrief.db"


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used."""


@dataclass(frozen=True)
class Policy:
    """What the collection keeps and announces: the same for the bot and the command line."""

    news_days: int = 7  # an article published longer ago is stored, never alerted
    keep_questions_days: int = 0  # questions asked in chats are deleted after this; 0: kept

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Policy":
        """CYBERBRIEF_NEWS_DAYS and CYBERBRIEF_KEEP_QUESTIONS_DAYS, else the defaults."""
        return cls(
            news_days=_days(env, "CYBERBRIEF_NEWS_DAYS", cls.news_days, minimum=1),
            keep_questions_days=_days(
                env, "CYBERBRIEF_KEEP_QUESTIONS_DAYS", cls.keep_questions_days, minimum=0
            ),
        )


def owner_ids(env: Mapping[str, str] = os.environ) -> frozenset[int]:
    """The Telegram user ids in CYBERBRIEF_OWNERS (comma- or space-separated)."""
    raw = env.get("CYBERBRIEF_OWNERS", "")
    try:
        return frozenset(int(part) for part in raw.replace(",", " ").split())
    except ValueError as error:
        raise ConfigError("CYBERBRIEF_OWNERS must list numeric Telegram user ids") from error


def _days(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A whole number of days from the environment."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(f"{name} must be a whole number of days, at least {minimum}: {raw!r}")
    return int(raw)


class EmbedderUnavailable(RuntimeError):
    """The embedding model the settings name cannot be used here (not built, or unknown)."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the retrieval layer."""

    db_path: Path  # the SQLite file; with PostgreSQL, local files (chat history) go beside it
    # Hosts or addresses that may be fetched although private (e.g. 127.0.0.1 in tests).
    allowed_hosts: frozenset[str] = frozenset()
    language: Language = DEFAULT  # the command line's own words; a hint for questions
    policy: Policy = Policy()
    owners: frozenset[int] = frozenset()  # CYBERBRIEF_OWNERS; more may be stored in the database
    # Which embedder: "onnx" (the variant the install-time build chose), "int8", "fp32", "torch".
    embedding: str = "onnx"
    # Where the ONNX files are (default: inside the environment, where `make install` builds them).
    model_dir: Path | None = None
    db_url: str | None = None  # postgresql://… when the database is a PostgreSQL server

    @property
    def database(self) -> str:
        """The database for people: the SQLite file, or the server's URL without its password."""
        return redacted(self.db_url) if self.db_url else str(self.db_path)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] = os.environ, db: str | None = None, lang: str | None = None
    ) -> "Settings":
        """Build settings from environment variables, with explicit overrides winning.

        The language: `lang`, else CYBERBRIEF_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG).
        """
        target = str(db or env.get("CYBERBRIEF_DB") or default_db_path(env))
        url = target if is_postgres_url(target) else None
        hosts = env.get("CYBERBRIEF_ALLOW_HOSTS", "").replace(",", " ").split()
        model_dir = env.get("CYBERBRIEF_MODEL_DIR")
        return cls(
            db_path=default_db_path(env) if url else Path(target).expanduser(),
            db_url=url,
            allowed_hosts=frozenset(hosts),
            language=language_from(lang, env),
            policy=Policy.from_env(env),
            owners=owner_ids(env),
            embedding=env.get("CYBERBRIEF_EMBEDDING", "onnx").strip().lower() or "onnx",
            model_dir=Path(model_dir).expanduser() if model_dir else None,
        )


def language_from(lang: str | None, env: Mapping[str, str]) -> Language:
    """The first language named by an option or the environment that is one of ours."""
    for code in (lang, env.get("CYBERBRIEF_LANG"), *_locale(env)):
        found = language_of(code)
        if found:
            return found
    return DEFAULT


def _locale(env: Mapping[str, str]) -> list[str | None]:
    """The locale variables that name the language of messages, in POSIX order of precedence."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return [env[name]]
    return []
