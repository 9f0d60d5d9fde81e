"""Bot settings from the environment."""

import pytest

from bot.settings import BotSettings, SettingsError


def test_from_env_with_overrides_and_hidden_secrets() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "123:SECRET",
        "CYBERBRIEF_FLOOD_LIMIT": "5",
        "CYBERBRIEF_OWNERS": "1, 2 3",
        "CYBERBRIEF_WEBHOOK_SECRET": "hush",
    }
    settings = BotSettings.from_env(env, flood_limit=None, port=9000)
    assert settings.token == "123:SECRET" and settings.flood_limit == 5 and settings.port == 9000
    assert settings.owners == frozenset({1, 2, 3}) and settings.flood_window == 60
    assert "SECRET" not in repr(settings) and "hush" not in repr(settings)


@pytest.mark.parametrize(
    "env",
    [{"CYBERBRIEF_FLOOD_LIMIT": "ten"}, {"CYBERBRIEF_PORT": "-1"}, {"CYBERBRIEF_OWNERS": "x"}],
)
def test_bad_values_are_named(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="CYBERBRIEF_"):
        BotSettings.from_env(env)
