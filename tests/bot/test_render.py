"""Telegram HTML rendering: escaping, one source line per article, splitting under the limit."""

from datetime import UTC, datetime

from bot.answers.render import answer_messages, clip, sources_messages
from bot.html import pack, visible_length
from retrieval.conversations.store import StoredAnswer
from retrieval.core.models import Answer, Quote
from tests.e2e.telegram_emulator import assert_valid_telegram_html

URL = "https://example.org/a?x=1&y=2"


def quote(text: str, n: int = 0, url: str | None = URL, start: int = 0) -> Quote:
    """A quote from article n, whose title and outlet need escaping."""
    title, outlet = f"<Title> & {n}", "Outlet <b>"
    return Quote(n, title, outlet, "2012-05-03T10:00", url, text, start, start + len(text), 1)


def test_everything_from_articles_is_escaped_and_cited() -> None:
    answer = Answer("q", (quote('He said "<script>" & left.'),), abstained=False)
    (message,) = answer_messages(answer)
    assert_valid_telegram_html(message)
    assert "<blockquote>He said &quot;&lt;script&gt;&quot; &amp; left.</blockquote>" in message
    title = '<a href="https://example.org/a?x=1&amp;y=2">&lt;Title&gt; &amp; 0</a>'
    assert f"— {title} · Outlet &lt;b&gt; · 2012-05-03" in message


def test_links_only_for_web_addresses() -> None:
    (message,) = answer_messages(Answer("q", (quote("x", url="javascript:alert(1)"),), False))
    assert "href" not in message and "&lt;Title&gt; &amp; 0 · Outlet" in message


def test_quotes_of_one_article_share_one_source_line_and_the_best_leads() -> None:
    best, other, second = (
        quote("The best sentence answers it.", 1, start=500),
        quote("Another article says this.", 2),
        quote("The first article says more.", 1, start=10),
    )
    (message,) = answer_messages(Answer("q", (best, other, second), abstained=False))
    plain = assert_valid_telegram_html(message)
    assert plain.count("<Title> & 1") == 1 and plain.count("<Title> & 2") == 1
    assert plain.index(best.text) < plain.index(second.text) < plain.index("<Title> & 1")
    assert plain.index("<Title> & 1") < plain.index(other.text)
    assert "[1]" not in plain  # no numbered short answer repeating the quotes
    for sentence in (best.text, other.text, second.text):
        assert plain.count(sentence) == 1


def test_a_sentence_from_two_copies_of_a_story_is_shown_once() -> None:
    text = "Police arrested four people on Monday."
    (message,) = answer_messages(Answer("q", (quote(text, 1), quote(text, 2)), False))
    assert assert_valid_telegram_html(message).count(text) == 1


def test_partial_coverage_says_what_is_missing_and_offers_related_reading() -> None:
    related = quote("The DEA report said cartels recruit youths online. " * 8, 1)
    answer = Answer(
        "What did the DEA say about bitcoin?",
        (),
        abstained=False,
        related=(related,),
        coverage="partial",
        covered=("the DEA",),
        missing=("bitcoin",),
    )
    (message,) = answer_messages(answer)
    plain = assert_valid_telegram_html(message)
    assert plain.startswith("The articles mention the DEA, but nothing about bitcoin.")
    assert "Related reading, not an answer:" in plain
    assert "<blockquote>" not in message  # reading, not presented as the answer
    assert "The DEA report said cartels recruit youths online. The DEA" in plain
    assert related.text not in plain and "…" in plain  # clipped: a pointer, not the answer


def test_nothing_covered_is_a_plain_abstention_with_the_closest_articles() -> None:
    answer = Answer("q", (), abstained=True, related=(quote("Nearby.", 3),), coverage="none")
    plain = assert_valid_telegram_html(answer_messages(answer)[0])
    assert plain.startswith("The stored articles don't cover this question, so I won't guess.")
    assert "Closest articles:\n• <Title> & 3 · Outlet <b> · 2012-05-03" in plain
    assert "Nearby." not in plain


def test_searched_and_read_as_are_shown_above_the_quotes() -> None:
    found = Answer("operation predatr", (quote("Operation Predator rescues victims."),), False)
    corrected = Answer(found.question, found.quotes, False, searched="operation predator")
    plain = assert_valid_telegram_html(answer_messages(corrected)[0])
    assert plain.startswith("Searched for: operation predator\n\nOperation Predator rescues")
    plain = assert_valid_telegram_html(answer_messages(found, read_as="in Europe?")[0])
    assert plain.startswith("Read as: in Europe?\n\n")


def test_sources_are_grouped_by_article_too() -> None:
    quotes = (quote("First one here.", 1), quote("Second one here.", 1, start=40))
    stored = StoredAnswer(1, 2, 3, "q", "q", False, quotes, datetime.now(UTC))
    (message,) = sources_messages(stored)
    plain = assert_valid_telegram_html(message)
    assert plain.count("<Title> & 1") == 1 and "First one here.\nSecond one here." in plain


def test_long_answers_split_at_article_boundaries_under_the_limit() -> None:
    quotes = tuple(quote(("word & <tag> " * 400)[:3000] + f" end{n}.", n) for n in range(3))
    messages = answer_messages(Answer("q", quotes, abstained=False))
    assert len(messages) > 1
    for message in messages:
        plain = assert_valid_telegram_html(message)
        assert message.count("<blockquote>") == message.count("</blockquote>")
        assert len(plain) <= 4096
    assert sum(m.count("<blockquote>") for m in messages) == 3


def test_one_huge_quote_is_clipped_at_a_word() -> None:
    (message, *rest) = answer_messages(Answer("q", (quote("abc " * 5000),), abstained=False))
    assert_valid_telegram_html(message)
    assert "abc …" not in message and "abc…</blockquote>" in message and not rest


def test_pack_counts_visible_text_not_markup() -> None:
    blocks = ["<b>&amp;</b>" * 1000, "<i>x</i>" * 3000]
    assert [visible_length(b) for b in blocks] == [1000, 3000]
    assert pack(blocks) == ["\n\n".join(blocks)]
    assert len(pack(blocks, limit=3500)) == 2


def test_clip() -> None:
    assert clip("short  text", 20) == "short text"
    assert clip("one two three four five", 12) == "one two…"
