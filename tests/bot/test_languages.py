"""The bot speaks each person's language, /language and /translations change it per chat, and
Spanish questions about English articles get verbatim quotes with labelled machine translations."""

from bot.languages import set_command_menus
from retrieval.alerts.alerter import MAX_SUBSCRIPTIONS
from retrieval.language.translation import Apertium
from tests.bot.conftest import GROUP, USER, BotHarness
from tests.bot.test_handlers import texts
from tests.bot.test_subscribing import HOSPITALS, TOPIC, deliver

SPANISH_USER = {**USER, "language_code": "es-MX"}
ENGLISH_USER = {**USER, "language_code": "en"}
RESCUED = "In Europe, 8 children between 3 and 10 years old were rescued."


def test_each_person_is_answered_in_their_telegram_language(bot: BotHarness) -> None:
    (spanish,) = texts(bot.say("/subscribe", user=SPANISH_USER))
    assert spanish.startswith("Dime el tema con tus propias palabras")
    (english,) = texts(bot.say("/subscribe", user=ENGLISH_USER))
    assert english.startswith("Tell me the topic in your own words")
    (unknown,) = texts(bot.say("/subscribe", user={**USER, "language_code": "pt-BR"}))
    assert unknown.startswith("Tell me the topic")


def test_language_switches_the_chat_and_is_remembered(bot: BotHarness) -> None:
    (current,) = texts(bot.say("/language", user=SPANISH_USER))
    assert "Aquí hablo español" in current
    (switched,) = texts(bot.say("/language en", user=SPANISH_USER))
    assert switched == "I'll speak English in this chat."
    (english,) = texts(bot.say("/subscribe", user=SPANISH_USER))
    assert english.startswith("Tell me the topic")
    (back,) = texts(bot.say("/language es", user=ENGLISH_USER))
    assert back == "Hablaré español en este chat."
    (spanish,) = texts(bot.say("/feeds", user=ENGLISH_USER))
    assert spanish.startswith("Todavía no se sigue ningún feed")


def test_only_group_admins_choose_the_groups_language(bot: BotHarness) -> None:
    (refusal,) = texts(bot.say("/language es", chat=GROUP, user=ENGLISH_USER))
    assert "Only the group's admins" in refusal
    bot.telegram.member_status = "creator"
    (done,) = texts(bot.say("/language es", chat=GROUP, user=ENGLISH_USER))
    assert done == "Hablaré español en este chat."
    (spanish,) = texts(bot.say("/subscribe", chat=GROUP, user=ENGLISH_USER))
    assert spanish.startswith("Dime el tema")


def test_the_command_menus_are_set_in_each_language(bot: BotHarness) -> None:
    bot.loop.run_until_complete(set_command_menus(bot.application.bot))
    menus = {
        (call.params.get("language_code"), call.params["scope"]["type"]): {
            c["command"]: c["description"] for c in call.params["commands"]
        }
        for call in bot.telegram.sent("setMyCommands")
    }
    assert {language for language, _scope in menus} == {None, "en", "es"}
    private = "all_private_chats"
    assert menus[None, private] == menus["en", private]
    assert menus["en", private]["language"] == "The language I speak here"
    assert menus["es", private]["ask"] == "Haz una pregunta sobre los artículos"
    assert menus["es", private]["language"] == "El idioma en que hablo aquí"
    for scope in ("all_private_chats", "all_group_chats", "all_chat_administrators"):
        assert set(menus["es", scope]) == set(menus["en", scope])


def test_alerts_go_out_in_the_language_they_were_asked_for_in(bot: BotHarness) -> None:
    texts(bot.say(f"/subscribe {TOPIC}", user=SPANISH_USER))
    bot.assistant.collection.ingest([HOSPITALS])
    (alert,) = texts(deliver(bot))
    assert alert.startswith("🔔 Novedades sobre tus temas")
    assert f"Coincide con tu tema: {TOPIC}" in alert
    assert "Ransomware gangs attacked three hospitals in Spain this week." in alert


def test_the_subscription_limit_is_told_in_the_speakers_language(bot: BotHarness) -> None:
    for n in range(MAX_SUBSCRIPTIONS):
        texts(bot.say(f"/subscribe ransomware gangs in region {n}", user=SPANISH_USER))
    (refusal,) = texts(bot.say("/subscribe phishing against banks", user=SPANISH_USER))
    assert refusal == f"un chat puede seguir como mucho {MAX_SUBSCRIPTIONS} temas."


def test_a_spanish_question_gets_the_english_quote_and_a_labelled_translation(
    bot: BotHarness, apertium: Apertium
) -> None:
    (reply,) = bot.say(
        "¿Cuántos niños de entre 3 y 10 años fueron rescatados en Europa?", user=SPANISH_USER
    )
    html = reply.params["text"]
    quoted = html.split("<blockquote>", 1)[1].split("</blockquote>", 1)[0]
    assert RESCUED in quoted.splitlines()  # verbatim, as the article has it
    label = "<i>Traducción automática, no es una cita: "
    assert label not in quoted  # the translation is never inside the quote
    assert label in html.split("</blockquote>", 1)[1]
    translation = html.split(label, 1)[1].split("</i>", 1)[0]
    assert "niños" in translation and "Europa" in translation


def test_translations_off_leaves_the_quotes_alone(bot: BotHarness, apertium: Apertium) -> None:
    (off,) = texts(bot.say("/translations off", user=SPANISH_USER))
    assert off == "Las citas llegan ahora sin traducciones automáticas."
    (reply,) = bot.say("¿Cuántos niños fueron rescatados en Europa?", user=SPANISH_USER)
    assert RESCUED in reply.params["text"]
    assert "Traducción automática" not in reply.params["text"]
    (usage,) = texts(bot.say("/translations", user=SPANISH_USER))
    assert "están desactivadas aquí" in usage


def test_an_english_speaker_reading_english_quotes_gets_no_translation(bot: BotHarness) -> None:
    (reply,) = bot.say("How many children were rescued in Europe?", user=ENGLISH_USER)
    assert RESCUED in reply.params["text"]
    assert "Machine translation" not in reply.params["text"]


def test_more_sources_for_a_spanish_question_carry_labelled_translations(
    bot: BotHarness, apertium: Apertium
) -> None:
    question = "¿Cómo usan los cárteles de la droga las redes sociales?"
    bot.say(question, user=SPANISH_USER)
    answer = bot.assistant.last_answer(USER["id"])
    assert answer is not None and not answer.abstained
    (more,) = texts(bot.press(1000, f"more:{answer.id}", user=SPANISH_USER))
    assert more.startswith(f"Más fuentes para «{question}»:")
    sources = bot.assistant.last_answer(USER["id"]).sources[3:]
    assert sources and all(q.text in more for q in sources)  # verbatim English quotes
    articles = {q.article_id for q in sources}  # one labelled translation under each article's
    assert more.count("Traducción automática, no es una cita:") == len(articles)
