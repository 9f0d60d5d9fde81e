"""The bot's behaviour through Application.process_update, with a fake Telegram and embedder."""

import logging

import pytest
from telegram.ext import CommandHandler

from bot.commands import COMMANDS
from tests.bot.conftest import ANSWERED, GROUP, OFF_TOPIC, USER, BotHarness, Call
from tests.e2e.telegram_emulator import assert_valid_telegram_html

STICKER = {
    "file_id": "s",
    "file_unique_id": "s",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


def texts(calls: list[Call]) -> list[str]:
    """The plain text of each message sent, after checking it is valid Telegram HTML."""
    return [assert_valid_telegram_html(call.params["text"]) for call in calls]


def buttons_of(call: Call) -> list[str]:
    """The callback data of a message's inline buttons."""
    markup = call.params.get("reply_markup")
    if markup is None:
        return []
    return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]


def test_private_question_is_answered_with_quotes_and_buttons(bot: BotHarness) -> None:
    (reply,) = bot.say(ANSWERED)
    (text,) = texts([reply])
    quote = "In Europe, 8 children between 3 and 10 years old were rescued."
    assert text.startswith(quote)  # the best quote leads; no short answer repeats it
    assert text.count(quote) == 1 and "[1]" not in text
    assert reply.params["text"].startswith(f"<blockquote>{quote}\n")
    assert "European Commission, Home Affairs · 2012-05-03" in text
    assert reply.params["parse_mode"] == "HTML"
    assert reply.params["link_preview_options"]["is_disabled"]
    answer_id = bot.assistant.last_answer(USER["id"]).id
    assert buttons_of(reply) == [f"more:{answer_id}", f"up:{answer_id}", f"down:{answer_id}"]
    assert [c.params["action"] for c in bot.telegram.sent("sendChatAction")] == ["typing"]


def test_off_topic_question_abstains_plainly(bot: BotHarness) -> None:
    (reply,) = bot.say(OFF_TOPIC)
    (text,) = texts([reply])
    assert "don't cover this question" in text
    assert "<blockquote>" not in reply.params["text"]
    assert not any(data.startswith("more:") for data in buttons_of(reply))


def test_html_in_a_question_is_escaped_never_interpreted(bot: BotHarness) -> None:
    (reply,) = bot.say('<b>children</b> & "Europe" <a href="x">rescued</a>? *bold* _x_')
    texts([reply])
    (stop,) = bot.say("/sources")
    assert "&lt;b&gt;children&lt;/b&gt; &amp;" in stop.params["text"]
    texts([stop])


def test_short_followup_is_read_with_the_previous_question(bot: BotHarness) -> None:
    bot.say("Which children were rescued?")
    (reply,) = bot.say("and in Europe?")
    (text,) = texts([reply])
    assert text.startswith("Read as: Which children were rescued in Europe?")
    assert "In Europe, 8 children" in text


def test_reply_to_an_answer_is_a_followup(bot: BotHarness) -> None:
    bot.say("Which children were rescued?")
    stored = bot.assistant.last_answer(USER["id"])
    sent_id = 1000  # the fake Telegram numbers the bot's messages from 1000
    assert bot.assistant.conversations.answer_for_message(USER["id"], sent_id) == stored
    (reply,) = bot.say("in Europe?", reply_to=sent_id)
    assert texts([reply])[0].startswith("Read as: ")


def test_groups_answer_only_what_is_meant_for_the_bot(bot: BotHarness) -> None:
    assert bot.say("How many children were rescued in Europe?", chat=GROUP) == []
    assert bot.say("/ask@OtherBot children rescued Europe", chat=GROUP) == []
    assert bot.say("/unknown", chat=GROUP) == []
    (asked,) = bot.say(f"/ask {ANSWERED}", chat=GROUP)
    assert asked.params["reply_parameters"]["message_id"]  # quotes the question in groups
    (named,) = bot.say(f"/ask@TestNameBot {ANSWERED}", chat=GROUP)
    text = f"@TestNameBot {ANSWERED}"
    mention = [{"type": "mention", "offset": 0, "length": len("@TestNameBot")}]
    (mentioned,) = bot.say(text, chat=GROUP, entities=mention)
    (replied,) = bot.say("and in Europe?", chat=GROUP, reply_to=1000)
    for call in (asked, named, mentioned, replied):
        assert "In Europe, 8 children" in texts([call])[0]


def test_forum_topic_answers_stay_in_the_topic(bot: BotHarness) -> None:
    forum = {**GROUP, "is_forum": True}
    (reply,) = bot.say(f"/ask {ANSWERED}", chat=forum, thread=77)
    assert reply.params["message_thread_id"] == 77


def test_more_sources_and_feedback(bot: BotHarness) -> None:
    bot.say("How do drug cartels use social networks?")
    answer_id = bot.assistant.last_answer(USER["id"]).id
    (more,) = bot.press(1000, f"more:{answer_id}")
    (text,) = texts([more])
    assert text.startswith("More sources for “How do drug cartels use social networks?”")
    shown = bot.assistant.last_answer(USER["id"]).sources
    assert all(q.text in text for q in shown[3:]) and not any(q.text in text for q in shown[:3])
    assert text.endswith("No more sources answer this question.")  # the next would not answer
    assert buttons_of(more) == [f"up:{answer_id}", f"down:{answer_id}"]
    (edit,) = bot.telegram.sent("editMessageReplyMarkup")
    assert buttons_of(edit) == [f"up:{answer_id}", f"down:{answer_id}"]
    shown = len(bot.assistant.last_answer(USER["id"]).sources)
    assert shown > 3

    bot.press(1000, f"down:{answer_id}")
    bot.press(1000, f"up:{answer_id}")
    (vote,) = bot.assistant.conversations.feedback(answer_id)
    assert vote.vote == 1 and vote.question == "How do drug cartels use social networks?"
    assert len(vote.sources) == shown
    answers = [c.params.get("text") for c in bot.telegram.sent("answerCallbackQuery")]
    assert answers[-1].startswith("Thanks! Your vote: 👍 (press 👎 to change it")


def vote_buttons(call: Call) -> list[tuple[str, str | None]]:
    """The labels and styles of the vote buttons in an edited keyboard."""
    markup = call.params["reply_markup"]
    return [
        (button["text"], button.get("style"))
        for row in markup["inline_keyboard"]
        for button in row
        if button["callback_data"].startswith(("up:", "down:"))
    ]


def test_vote_buttons_show_the_vote_that_counts_and_a_second_press_changes_it(
    bot: BotHarness,
) -> None:
    (answer,) = bot.say(ANSWERED)
    answer_id = bot.assistant.last_answer(USER["id"]).id
    markup = answer.params["reply_markup"]
    bot.press(1000, f"up:{answer_id}", markup=markup)
    bot.press(1000, f"down:{answer_id}", markup=markup)  # changes the vote
    bot.press(1000, f"down:{answer_id}", markup=markup)  # the same again takes it back
    up, down, back = bot.telegram.sent("editMessageReplyMarkup")
    assert vote_buttons(up) == [("👍 1", "primary"), ("👎", None)]
    assert vote_buttons(down) == [("👍", None), ("👎 1", "primary")]
    assert vote_buttons(back) == [("👍", None), ("👎", None)]
    assert buttons_of(up)[0] == f"more:{answer_id}"  # the other buttons stay
    assert bot.assistant.conversations.feedback(answer_id) == []
    toasts = [c.params["text"] for c in bot.telegram.sent("answerCallbackQuery")]
    assert toasts[1].startswith("Thanks! Your vote: 👎") and toasts[2] == "Vote taken back."


def test_group_vote_buttons_count_everyone_and_highlight_no_one(bot: BotHarness) -> None:
    bot.say(f"/ask {ANSWERED}", chat=GROUP)
    answer_id = bot.assistant.last_answer(GROUP["id"]).id
    bob = {**USER, "id": 5550002, "first_name": "Bob"}
    bot.press(1000, f"up:{answer_id}", chat_id=GROUP["id"])
    bot.press(1000, f"up:{answer_id}", chat_id=GROUP["id"], user=bob)
    *_, last = bot.telegram.sent("editMessageReplyMarkup")
    assert vote_buttons(last) == [("👍 2", None), ("👎", None)]


def test_stale_or_foreign_buttons_are_answered_not_crashed(bot: BotHarness) -> None:
    bot.say(ANSWERED)
    answer_id = bot.assistant.last_answer(USER["id"]).id
    assert bot.press(1000, f"more:{answer_id}", chat_id=GROUP["id"]) == []  # another chat's
    bot.press(1000, f"up:{answer_id}", chat_id=GROUP["id"])
    bot.press(1000, "more:999999")
    bot.press(1000, "something-else")
    answers = [c.params.get("text") for c in bot.telegram.sent("answerCallbackQuery")]
    gone = "This answer is gone; ask again, please."
    assert answers == [gone, "This answer is gone.", gone, "This button no longer works."]
    assert bot.assistant.conversations.feedback(answer_id) == []


def test_flood_limit_warns_once_then_stays_quiet(make_bot) -> None:
    bot = make_bot(flood_limit=2)
    assert len(bot.say(ANSWERED)) == 1
    assert len(bot.say(ANSWERED)) == 1
    (warning,) = bot.say(ANSWERED)
    assert "faster than I can keep up" in texts([warning])[0]
    assert bot.say(ANSWERED) == []


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ({"sticker": STICKER}, "only read text"),
        (
            {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
            "only read text",
        ),
        ({"text": "/ask"}, "What would you like to know?"),
        ({"text": "?!"}, "What would you like to know?"),
        ({"text": "How many children were rescued in Europe? " * 240}, "8 children"),
        ({"text": "/frobnicate now"}, "I don't know /frobnicate"),
    ],
)
def test_odd_messages_get_a_sensible_reply(bot: BotHarness, update: dict, expected: str) -> None:
    text = update.pop("text", None)
    (reply,) = bot.say(text, **update)
    assert expected in texts([reply])[0]


def test_edits_and_channel_posts(bot: BotHarness) -> None:
    (reply,) = bot.say(ANSWERED, kind="edited_message", edit_date=1)
    assert "edited messages" in texts([reply])[0]
    channel = {"id": -100777, "type": "channel", "title": "News"}
    assert bot.say(ANSWERED, chat=channel, kind="channel_post", user=USER) == []
    assert bot.telegram.sent() == [reply]


def test_commands_start_help_about_sources(bot: BotHarness) -> None:
    (start,) = bot.say("/start")
    (text,) = texts([start])
    assert "I know 3 articles from " in text and "newest is from 2012-05-03" in text
    assert "European Commission, Home Affairs" in text
    (help_,) = bot.say("/help")
    assert "/ask question — Ask a question" in texts([help_])[0]
    (about,) = bot.say("/about")
    assert "quotes them exactly" in texts([about])[0]
    (none_yet,) = bot.say("/sources")
    assert "haven't answered anything" in texts([none_yet])[0]
    bot.say(ANSWERED)
    (sources,) = bot.say("/sources")
    assert f"Sources for “{ANSWERED}”" in texts([sources])[0]


def test_link_previews_setting_survives_and_is_admin_only_in_groups(bot: BotHarness) -> None:
    (on,) = bot.say("/previews on")
    assert "now on" in texts([on])[0]
    (reply,) = bot.say(ANSWERED)
    assert not reply.params["link_preview_options"]["is_disabled"]
    (refused,) = bot.say("/previews on", chat=GROUP)
    assert "Only the group's admins" in texts([refused])[0]
    bot.telegram.member_status = "creator"
    (allowed,) = bot.say("/previews on", chat=GROUP)
    assert "now on" in texts([allowed])[0]
    assert bot.assistant.chat_settings(GROUP["id"]).link_previews


def test_command_menus_come_from_the_command_table(bot: BotHarness) -> None:
    assert bot.application.post_init is not None
    bot.loop.run_until_complete(bot.application.post_init(bot.application))
    menus = {
        call.params["scope"]["type"]: [c["command"] for c in call.params["commands"]]
        for call in bot.telegram.sent("setMyCommands")
    }
    everyone = ["ask", "sources", "briefing", "subscriptions", "feeds", "start", "help", "about"]
    everyone += ["whoami", "forget"]
    admin = ["schedule", "subscribe", "unsubscribe", "previews", "language", "translations"]
    assert set(menus["all_private_chats"]) == set(everyone + admin)
    assert set(menus["all_group_chats"]) == set(everyone)
    assert set(menus["all_chat_administrators"]) == set(everyone + admin)
    handled = {
        name
        for group in bot.application.handlers.values()
        for h in group
        if isinstance(h, CommandHandler)
        for name in h.commands
    }
    assert handled == {command.name for command in COMMANDS}


def help_lines(text: str) -> dict[str, str]:
    """The command lines of a /help message, by command."""
    return {line.split()[0]: line for line in text.splitlines() if line.startswith("/")}


def test_help_in_private_lists_every_command_that_works_there(bot: BotHarness) -> None:
    (reply,) = bot.say("/help")
    (text,) = texts([reply])
    assert "Any message here is a question, in English or Spanish." in text
    assert "In this group" not in text
    lines = help_lines(text)
    owners_only = {"/addfeed", "/removefeed", "/stats", "/articles"}
    assert set(lines) == {f"/{c.name}" for c in COMMANDS} - owners_only
    assert lines["/subscribe"] == "/subscribe topic — Alerts about new stories on a topic"
    assert "admins" not in text  # in private everyone may change everything


def test_help_in_a_group_says_how_to_ask_there_and_marks_admin_commands(make_bot) -> None:
    bot = make_bot(owners=frozenset({USER["id"]}))
    (reply,) = bot.say("/help", chat=GROUP)
    (text,) = texts([reply])
    assert "Any message here is a question" not in text
    assert "In this group, ask with /ask your question, mention @TestNameBot" in text
    lines = help_lines(text)
    in_private_only = {"/stats", "/articles"}
    assert set(lines) == {f"/{c.name}" for c in COMMANDS} - in_private_only  # owners see feeds
    assert lines["/subscribe"].endswith("(group admins)")
    assert lines["/addfeed"] == "/addfeed URL — Follow a news feed (bot owners)"
    assert not lines["/briefing"].endswith(")")


def test_unexpected_error_is_logged_and_the_user_told_without_internals(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("database is on fire at /secret/path")

    monkeypatch.setattr(bot.assistant, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot"):
        (reply,) = bot.say(ANSWERED)
    (text,) = texts([reply])
    assert text == "Sorry, something went wrong on my side. Please try again in a moment."
    (record,) = [r for r in caplog.records if r.name == "bot.answers.handlers"]
    assert record.exc_info and "database is on fire" in str(record.exc_info[1])
