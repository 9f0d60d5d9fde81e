"""Which messages are meant for the bot, and the question they carry."""

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType


def replied_to_bot(message: Message, bot_id: int) -> int | None:
    """The id of the bot's message this one replies to, if it replies to the bot."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return replied.message_id
    return None


def mentions_bot(message: Message, bot_username: str, bot_id: int) -> bool:
    """Whether the message @mentions the bot (by username or as a text mention)."""
    wanted = "@" + bot_username.lower()
    for entity, text in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.MENTION and text.lower() == wanted:
            return True
        if entity.user is not None and entity.user.id == bot_id:
            return True
    return False


def without_mentions(text: str, bot_username: str) -> str:
    """The text with the bot's @mentions taken out."""
    return " ".join(re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.I).split())


def question_in(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a text message meant for the bot; None if it is not meant for the bot."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    if mentions_bot(message, bot_username, bot_id):
        return without_mentions(text, bot_username)
    if replied_to_bot(message, bot_id) is not None:
        return text
    return None


def command_argument(message: Message) -> str:
    """What follows a /command[@bot] in a message, line breaks kept."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def id_argument(message: Message) -> int | None:
    """The id after a command ("/unsubscribe 3" or "#3"), or None when there is none."""
    argument = command_argument(message).lstrip("#")
    return int(argument) if argument.isdigit() else None


def command_name(message: Message) -> str:
    """The /command of a message, without its @bot suffix."""
    first = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    return first.split("@", 1)[0]


def addressed_command(message: Message, bot_username: str) -> bool:
    """Whether a command is for this bot: in private always; in groups only as /cmd@ThisBot."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    first = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    return first.lower().endswith("@" + bot_username.lower())
