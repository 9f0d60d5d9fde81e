"""The systemd unit and its environment file name real commands and real settings."""

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit file, read as INI (repeated keys kept last)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def test_the_service_runs_the_bot_with_its_settings_file() -> None:
    service = unit("cyberbrief.service")["Service"]
    assert service["ExecStart"].endswith("/.venv/bin/cyberbrief bot")
    assert service["EnvironmentFile"] == "/etc/cyberbrief/cyberbrief.env"
    assert service["Restart"] == "on-failure" and service["User"] == "cyberbrief"
    backup = unit("cyberbrief-backup.service")["Service"]
    assert " backup " in backup["ExecStart"]
    assert unit("cyberbrief-backup.timer")["Timer"]["OnCalendar"]


def test_every_setting_in_the_environment_file_is_read_by_the_code() -> None:
    names = re.findall(r"^#?([A-Z_]+)=", (DEPLOY / "cyberbrief.env").read_text(), re.MULTILINE)
    code = "".join(
        path.read_text(encoding="utf-8")
        for path in [ROOT / "bot" / "settings.py", ROOT / "retrieval" / "core" / "config.py"]
    )
    assert names and [name for name in names if f'"{name}"' not in code] == []
