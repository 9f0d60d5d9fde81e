"""Owner and privacy messages as Telegram HTML."""

from html import escape

from retrieval.conversations.store import Forgotten


def whoami_message(user_id: int, chat_id: int, private: bool, owner: bool) -> str:
    """A person's Telegram id, this chat's, and whether they are one of the bot's owners."""
    lines = [f"Your Telegram id is <code>{user_id}</code>."]
    if not private:
        lines.append(f"This chat's id is <code>{chat_id}</code>.")
    if owner:
        lines.append("You are one of the bot's owners: you can add feeds with /addfeed URL.")
    else:
        lines.append(
            "You are not one of the bot's owners. Whoever runs the bot can make you one with "
            f"<code>cyberbrief owners add {user_id}</code> (or CYBERBRIEF_OWNERS={user_id})."
        )
    return "\n".join(lines)


def forgotten_message(forgotten: Forgotten) -> str:
    """What /forget deleted."""
    if not forgotten.questions and not forgotten.votes:
        return "I keep nothing of yours in this chat: no questions, answers or votes."
    questions = f"{forgotten.questions} question{'s' if forgotten.questions != 1 else ''}"
    votes = f"{forgotten.votes} vote{'s' if forgotten.votes != 1 else ''}"
    return escape(
        f"Deleted {questions} with their answers, and {votes}, of yours in this chat. "
        "Your subscriptions stay: /subscriptions lists them."
    )
