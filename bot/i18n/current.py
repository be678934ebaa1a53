"""The translator of what is being served now, and the gettext functions that use it.

A request (handlers/asked.py) or a delivery to a channel (bot/notify) sets it once; the
code below it wraps its sentences with `_` where they are written, and reads the one
translator from the context instead of passing it through every signature. asyncio
copies the context into each task it starts, so a listener's own tasks speak its
person's language; outside any request it is English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.i18n.negotiate import SOURCE_LANGUAGE
from bot.i18n.translator import Translator, translator_for

_current: ContextVar[Translator | None] = ContextVar("redmine_slack_translator", default=None)


def current() -> Translator:
    translator = _current.get()
    return translator if translator is not None else translator_for(SOURCE_LANGUAGE)


def speak(translator: Translator) -> None:
    """From here on in this task (and the tasks it starts), speak as `translator`."""
    _current.set(translator)


@contextmanager
def using(translator: Translator) -> Iterator[Translator]:
    """Speak as `translator` inside the block only (one channel's delivery, a test)."""
    token = _current.set(translator)
    try:
        yield translator
    finally:
        _current.reset(token)


def _(message: str, /, **params: object) -> str:
    """`message` in the current language, its `{placeholders}` filled from `params`."""
    return current().gettext(message, **params)


def ngettext(singular: str, plural: str, count: int, /, **params: object) -> str:
    """The current language's plural form for `count` (`{count}` filled)."""
    return current().ngettext(singular, plural, count, **params)


def N_(message: str) -> str:
    """Marks a sentence for the catalog where it is named (a constant), translated later
    with `_(CONSTANT)` where it is said."""
    return message
