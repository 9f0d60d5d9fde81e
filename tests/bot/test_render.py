"""Telegram HTML rendering: escaping, citations, and splitting under the length limit."""

from bot.answers.render import answer_messages, clip
from bot.html import pack, visible_length
from retrieval.core.models import Answer, Quote
from tests.e2e.telegram_emulator import assert_valid_telegram_html


def quote(text: str, n: int = 0, url: str | None = "https://example.org/a?x=1&y=2") -> Quote:
    """A quote from an article whose title and outlet need escaping."""
    return Quote(n, f"<Title> & {n}", "Outlet <b>", "2012-05-03T10:00", url, text, 0, len(text), 1)


def test_everything_from_articles_is_escaped_and_cited() -> None:
    answer = Answer("q", (quote('He said "<script>" & left.'),), abstained=False)
    (message,) = answer_messages(answer)
    assert_valid_telegram_html(message)
    assert "<blockquote>He said &quot;&lt;script&gt;&quot; &amp; left.</blockquote>" in message
    assert "<b>&lt;Title&gt; &amp; 0</b> · Outlet &lt;b&gt; · 2012-05-03" in message
    assert '<a href="https://example.org/a?x=1&amp;y=2">link</a>' in message


def test_links_only_for_web_addresses() -> None:
    (message,) = answer_messages(Answer("q", (quote("x", url="javascript:alert(1)"),), False))
    assert "href" not in message


def test_long_answers_split_at_source_boundaries_under_the_limit() -> None:
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
