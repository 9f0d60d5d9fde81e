"""The bot's commands in one table: /help, the command menus and the handlers all come from it.

A row added here is routed to its handler and shows up in /help and in Telegram's menus.
"""

from dataclasses import dataclass
from typing import Literal

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from retrieval.language.messages import N_, _

Who = Literal["anyone", "admins", "owners"]  # admins: of the group; owners: CYBERBRIEF_OWNERS


@dataclass(frozen=True)
class Command:
    """One command: its name, what it does, its arguments, and who may use it where."""

    name: str
    summary: str  # marked with N_(): translated where shown
    handler: str  # "capability.method": answers, alerts, briefings, operations or languages
    arguments: str = ""
    private: Who | None = "anyone"  # None: not offered in private chats
    groups: Who | None = "anyone"  # None: not offered in groups


COMMANDS: tuple[Command, ...] = (
    Command("ask", N_("Ask a question about the articles"), "answers.ask", "question"),
    Command("sources", N_("All sources of the last answer here"), "answers.sources"),
    Command(
        "briefing",
        N_("What's new: a digest of recent stories"),
        "briefings.briefing",
        "[24h|7d|2w]",
    ),
    Command(
        "schedule",
        N_("Scheduled briefings here"),
        "briefings.schedule",
        "daily 08:00 Europe/Madrid|off",
        groups="admins",
    ),
    Command(
        "subscribe",
        N_("Alerts about new stories on a topic"),
        "alerts.subscribe",
        "topic",
        groups="admins",
    ),
    Command("subscriptions", N_("Topics followed in this chat"), "alerts.subscriptions"),
    Command(
        "unsubscribe", N_("Stop alerts on a topic"), "alerts.unsubscribe", "ID", groups="admins"
    ),
    Command("feeds", N_("The news feeds I follow"), "alerts.feeds"),
    Command(
        "addfeed",
        N_("Follow a news feed"),
        "alerts.add_feed",
        "URL",
        private="owners",
        groups="owners",
    ),
    Command(
        "removefeed",
        N_("Stop following a news feed"),
        "alerts.remove_feed",
        "ID",
        private="owners",
        groups="owners",
    ),
    Command(
        "previews",
        N_("Link previews on or off here"),
        "answers.previews",
        "on|off",
        groups="admins",
    ),
    Command(
        "language",
        N_("The language I speak here"),
        "languages.language",
        "es|en",
        groups="admins",
    ),
    Command(
        "translations",
        N_("Machine translations of quotes on or off"),
        "languages.translations",
        "on|off",
        groups="admins",
    ),
    Command("whoami", N_("Your Telegram id, and whether you own this bot"), "operations.whoami"),
    Command("forget", N_("Delete your questions and votes in this chat"), "operations.forget"),
    Command(
        "stats",
        N_("Articles, feeds, chats and questions"),
        "operations.stats",
        private="owners",
        groups=None,
    ),
    Command(
        "articles",
        N_("The articles stored last, or one of them"),
        "operations.articles",
        "[ID]",
        private="owners",
        groups=None,
    ),
    Command("start", N_("What I know, and questions to try"), "answers.start"),
    Command("help", N_("The commands that work here"), "answers.help"),
    Command("about", N_("What this bot is and what it stores"), "answers.about"),
)

MARKS: dict[Who, str] = {"anyone": "", "admins": N_("group admins"), "owners": N_("bot owners")}


def available(private: bool, owner: bool = False) -> list[tuple[Command, Who]]:
    """The commands that work in a private chat or a group, with who may use each there."""
    found = []
    for command in COMMANDS:
        who = command.private if private else command.groups
        if who is not None and (who != "owners" or owner):
            found.append((command, who))
    return found


def menus() -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Telegram's command menus: private chats, group members, and group admins."""
    private = [c for c, who in available(private=True) if who == "anyone"]
    members = [c for c, who in available(private=False) if who == "anyone"]
    admins = [c for c, who in available(private=False) if who in ("anyone", "admins")]
    return [
        (BotCommandScopeAllPrivateChats(), [_menu_entry(c) for c in private]),
        (BotCommandScopeAllGroupChats(), [_menu_entry(c) for c in members]),
        (BotCommandScopeAllChatAdministrators(), [_menu_entry(c) for c in admins]),
    ]


def _menu_entry(command: Command) -> BotCommand:
    """A command as Telegram's menu shows it, in the language being spoken."""
    return BotCommand(command.name, _(command.summary))
