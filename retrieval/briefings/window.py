"""Which articles are news in a window: by publication date, by storage time only if undated."""

from datetime import UTC, datetime, timedelta

from retrieval.briefings.store import ArticleHead

# An article published shortly before a window but only stored inside it (a feed polled late,
# a page added by hand) is still news there; anything older is the archive, not what's new.
LATE_ARRIVAL = timedelta(days=1)


def moment(text: str) -> datetime:
    """An ISO date or date-time as an aware UTC datetime (naive ones are read as UTC)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def news_moment(head: ArticleHead, since: datetime, until: datetime) -> datetime | None:
    """When an article counts as news in [since, until), or None if it is not news there.

    A dated article counts when it was published in the window (a bare date covers its whole
    day), or stored in it having been published at most LATE_ARRIVAL before. An undated
    article counts by when it was stored, and only if it came from the web (feeds and pages
    have addresses; an undated file from the shipped collection is never "new").
    """
    stored = moment(head.ingested_at)
    if not head.published:
        return stored if head.url and since <= stored < until else None
    try:
        published = moment(head.published)
    except ValueError:
        return None
    if len(head.published) <= 10:  # a whole day: news while any of it is in the window
        end = published + timedelta(days=1)
        return min(end, until) if published < until and end > since else None
    if since <= published < until:
        return published
    if since <= stored < until and since - LATE_ARRIVAL <= published < since:
        return published
    return None
