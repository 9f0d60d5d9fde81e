"""Settings built once from the environment and passed down explicitly."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retrieval.language.detection import DEFAULT, Language, language_of


def default_db_path(env: Mapping[str, str]) -> Path:
    """The database used when neither --db nor CYBERBRIEF_DB says otherwise."""
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cyberbrief" / "cyberbrief.db"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the retrieval layer."""

    db_path: Path
    # Hosts or addresses that may be fetched although private (e.g. 127.0.0.1 in tests).
    allowed_hosts: frozenset[str] = frozenset()
    language: Language = DEFAULT  # the command line's own words; a hint for questions

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] = os.environ, db: str | None = None, lang: str | None = None
    ) -> "Settings":
        """Build settings from environment variables, with explicit overrides winning.

        The language: `lang`, else CYBERBRIEF_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG).
        """
        path = db or env.get("CYBERBRIEF_DB") or default_db_path(env)
        hosts = env.get("CYBERBRIEF_ALLOW_HOSTS", "").replace(",", " ").split()
        return cls(
            db_path=Path(path).expanduser(),
            allowed_hosts=frozenset(hosts),
            language=language_from(lang, env),
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
