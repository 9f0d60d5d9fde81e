"""The program's own words in English and Spanish: gettext catalogs kept with Babel.

Messages are marked with `_()` (and `ngettext`, or `N_()` where a message is defined before it is
shown) and read in the language being spoken at the moment: `speaking("es")` sets it for a block,
for a Telegram update or a command line run; asyncio tasks and threads started inside inherit it.
The catalogs live in `locale/` as .po files with their compiled .mo files (`make messages`).
"""

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path

from babel.dates import format_datetime

from retrieval.language.detection import DEFAULT, Language

DOMAIN = "cyberbrief"
LOCALES = Path(__file__).resolve().parent / "locale"

_spoken: ContextVar[Language] = ContextVar("spoken", default=DEFAULT)


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the messages as written)."""
    return gettext.translation(DOMAIN, LOCALES, languages=[language], fallback=True)


def spoken() -> Language:
    """The language being spoken now."""
    return _spoken.get()


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Speak `language` within the block."""
    token = _spoken.set(language)
    try:
        yield
    finally:
        _spoken.reset(token)


def _(message: str) -> str:
    """A message in the language being spoken."""
    return catalog(_spoken.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """A message with a count, in the language being spoken and the right plural form."""
    return catalog(_spoken.get()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; `_()` translates it where shown."""
    return message


def moment(when: datetime, pattern: str) -> str:
    """A date or time written the way the language being spoken writes it (a CLDR pattern)."""
    return format_datetime(when, pattern, tzinfo=when.tzinfo, locale=_spoken.get())
