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

Who = Literal["anyone", "admins", "owners"]  # admins: of the group; owners: CYBERBRIEF_OWNERS


@dataclass(frozen=True)
class Command:
    """One command: its name, what it does, its arguments, and who may use it where."""

    name: str
    summary: str
    handler: str  # "capability.method": answers, alerts, briefings or operations, in app.py
    arguments: str = ""
    private: Who | None = "anyone"  # None: not offered in private chats
    groups: Who | None = "anyone"  # None: not offered in groups


COMMANDS: tuple[Command, ...] = (
    Command("ask", "Ask a question about the articles", "answers.ask", "question"),
    Command("sources", "All sources of the last answer here", "answers.sources"),
    Command(
        "briefing", "What's new: a digest of recent stories", "briefings.briefing", "[24h|7d|2w]"
    ),
    Command(
        "schedule",
        "Scheduled briefings here",
        "briefings.schedule",
        "daily 08:00 Europe/Madrid|off",
        groups="admins",
    ),
    Command(
        "subscribe",
        "Alerts about new stories on a topic",
        "alerts.subscribe",
        "topic",
        groups="admins",
    ),
    Command("subscriptions", "Topics followed in this chat", "alerts.subscriptions"),
    Command("unsubscribe", "Stop alerts on a topic", "alerts.unsubscribe", "ID", groups="admins"),
    Command("feeds", "The news feeds I follow", "alerts.feeds"),
    Command(
        "addfeed", "Follow a news feed", "alerts.add_feed", "URL", private="owners", groups="owners"
    ),
    Command(
        "removefeed",
        "Stop following a news feed",
        "alerts.remove_feed",
        "ID",
        private="owners",
        groups="owners",
    ),
    Command(
        "previews", "Link previews on or off here", "answers.previews", "on|off", groups="admins"
    ),
    Command("whoami", "Your Telegram id, and whether you own this bot", "operations.whoami"),
    Command("forget", "Delete your questions and votes in this chat", "operations.forget"),
    Command(
        "stats",
        "Articles, feeds, chats and questions",
        "operations.stats",
        private="owners",
        groups=None,
    ),
    Command(
        "articles",
        "The articles stored last, or one of them",
        "operations.articles",
        "[ID]",
        private="owners",
        groups=None,
    ),
    Command("start", "What I know, and questions to try", "answers.start"),
    Command("help", "The commands that work here", "answers.help"),
    Command("about", "What this bot is and what it stores", "answers.about"),
)

MARKS: dict[Who, str] = {"anyone": "", "admins": "group admins", "owners": "bot owners"}


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
    """A command as Telegram's menu shows it."""
    return BotCommand(command.name, command.summary)
