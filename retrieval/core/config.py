"""Settings built once from the environment and passed down explicitly."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def default_db_path(env: Mapping[str, str]) -> Path:
    """The database used when neither --db nor CYBERBRIEF_DB says otherwise."""
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cyberbrief" / "cyberbrief.db"


class EmbedderUnavailable(RuntimeError):
    """The embedding model the settings name cannot be used here (not built, or unknown)."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the retrieval layer."""

    db_path: Path
    # Hosts or addresses that may be fetched although private (e.g. 127.0.0.1 in tests).
    allowed_hosts: frozenset[str] = frozenset()
    # Which embedder: "onnx" (the variant the install-time build chose), "int8", "fp32", "torch".
    embedding: str = "onnx"
    # Where the ONNX files are (default: inside the environment, where `make install` builds them).
    model_dir: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, db: str | None = None) -> "Settings":
        """Build settings from environment variables, with explicit overrides winning."""
        path = db or env.get("CYBERBRIEF_DB") or default_db_path(env)
        hosts = env.get("CYBERBRIEF_ALLOW_HOSTS", "").replace(",", " ").split()
        model_dir = env.get("CYBERBRIEF_MODEL_DIR")
        return cls(
            db_path=Path(path).expanduser(),
            allowed_hosts=frozenset(hosts),
            embedding=env.get("CYBERBRIEF_EMBEDDING", "onnx").strip().lower() or "onnx",
            model_dir=Path(model_dir).expanduser() if model_dir else None,
        )
