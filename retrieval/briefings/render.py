"""Briefings as HTML blocks (Telegram and e-mail), plain text, or JSON: quotes always verbatim."""

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape

from retrieval.alerts.store import StoryLink
from retrieval.briefings.builder import Briefing, BriefStory
from retrieval.core.render import clip
from retrieval.language.messages import _, moment, ngettext

MAX_QUOTE = 400
MAX_LINKS = 5
MAX_TITLE = 300


def _when(when: datetime) -> str:
    """A moment for people: "23 Nov 2026, 08:00 UTC"."""
    return f"{moment(when, 'd MMM y, HH:mm')} {when.tzname() or 'UTC'}"


def _meta(story: BriefStory) -> str:
    """Outlets and date of a story."""
    parts = []
    if story.outlets:
        count = len(story.outlets)
        names = clip(", ".join(story.outlets), MAX_TITLE)
        outlets = ngettext("%(count)d outlet", "%(count)d outlets", count) % {"count": count}
        parts.append(names + (f" ({outlets})" if count > 1 else ""))
    if story.article.published:
        parts.append(story.article.published[:10])
    else:
        parts.append(f"undated, stored {story.article.ingested_at[:10]}")
    return " · ".join(parts)


def story_html(story: BriefStory) -> str:
    """One story as HTML: bold title, outlets and date, quotes, links."""
    lines = [f"<b>{escape(clip(story.article.title, MAX_TITLE))}</b>"]
    meta = _meta(story)
    if meta:
        lines.append(escape(meta))
    lines += [
        f"<blockquote>{escape(clip(quote.text, MAX_QUOTE))}</blockquote>" for quote in story.quotes
    ]
    read = links_line(story.links)
    if read:
        lines.append(read)
    return "\n".join(lines)


def links_line(links: Sequence[StoryLink]) -> str | None:
    """Each outlet's web link after "Read:", as HTML; None when there is none."""
    anchors = [
        f'<a href="{escape(link.url, quote=True)}">{escape(clip(link.source or "link", 60))}</a>'
        for link in links[:MAX_LINKS]
        if link.url and link.url.startswith(("https://", "http://"))
    ]
    return _("Read:") + " " + " · ".join(anchors) if anchors else None


def briefing_blocks(briefing: Briefing) -> list[str]:
    """The briefing as HTML blocks that may be split between, never inside."""
    since = escape(_when(briefing.since))
    if not briefing.sections:
        return ["📰 " + _("Nothing new since %(since)s.") % {"since": since}]
    shown = len(briefing.stories)
    more = briefing.total_stories - shown
    head = "📰 " + ngettext(
        "<b>Briefing</b> — %(count)d story since %(since)s",
        "<b>Briefing</b> — %(count)d stories since %(since)s",
        shown,
    ) % {"count": shown, "since": since}
    if more > 0:
        head += " " + ngettext("(%(count)d more not shown)", "(%(count)d more not shown)", more) % {
            "count": more
        }
    blocks = [head + "\n" + _("Reply to this briefing with a question about these stories.")]
    for section in briefing.sections:
        for n, story in enumerate(section.stories):
            block = story_html(story)
            title = f"<u>{escape(section.heading)}</u>\n\n" if section.heading and n == 0 else ""
            blocks.append(title + block)
    return blocks


def briefing_html(briefing: Briefing) -> str:
    """The whole briefing as one HTML fragment."""
    return "\n\n".join(briefing_blocks(briefing))


def briefing_text(briefing: Briefing) -> str:
    """The briefing as plain text, for terminals and cron mail."""
    since = _when(briefing.since)
    if not briefing.sections:
        return _("Nothing new since %(since)s.") % {"since": since}
    count = len(briefing.stories)
    lines = [
        ngettext(
            "Briefing: %(count)d story since %(since)s",
            "Briefing: %(count)d stories since %(since)s",
            count,
        )
        % {"count": count, "since": since},
        "",
    ]
    for section in briefing.sections:
        if section.heading:
            lines += [f"== {section.heading} ==", ""]
        for story in section.stories:
            lines.append(story.article.title)
            if _meta(story):
                lines.append(f"  {_meta(story)}")
            lines += [f"  “{' '.join(quote.text.split())}”" for quote in story.quotes]
            lines += [f"  {link.url}" for link in story.links[:MAX_LINKS] if link.url]
            lines.append("")
    return "\n".join(lines).rstrip()


def briefing_json(briefing: Briefing) -> str:
    """The briefing as JSON, with quotes and their offsets into the stored articles."""
    return json.dumps(
        {
            "since": briefing.since.isoformat(),
            "until": briefing.until.isoformat(),
            "total_stories": briefing.total_stories,
            "sections": [
                {
                    "heading": section.heading,
                    "stories": [
                        {
                            "article_id": story.article.id,
                            "title": story.article.title,
                            "outlets": list(story.outlets),
                            "published": story.article.published,
                            "stored": story.article.ingested_at,
                            "articles": list(story.article_ids),
                            "links": [link.url for link in story.links if link.url],
                            "quotes": [
                                {"text": q.text, "start": q.start, "end": q.end}
                                for q in story.quotes
                            ],
                            "score": story.score,
                        }
                        for story in section.stories
                    ],
                }
                for section in briefing.sections
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
