"""`Translator`: one locale's sentences (gettext) and formats (Babel).

Sentences come from the catalog the locale negotiates to (bot.i18n.negotiate); formats
follow the person's own locale where Babel knows it (a `de-AT` person reads the German
catalog with Austrian dates), else the catalog's.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from bot.i18n.catalogs import translations
from bot.i18n.negotiate import SOURCE_LANGUAGE, pick_locale

DateFormat = Literal["short", "medium", "long", "full"]


def _fill(text: str, params: dict[str, object]) -> str:
    # Only sentences with placeholders are formatted, so a literal brace in one without
    # any needs no doubling.
    return text.format(**params) if params else text


@dataclass(frozen=True)
class Translator:
    language: str  # the catalog: one of bot.i18n.negotiate.LANGUAGES
    formats: Locale  # Babel's locale for dates and numbers
    _translations: gettext.NullTranslations = field(repr=False, compare=False)

    @classmethod
    def of(cls, language: str, formats: str | None = None) -> Translator:
        return cls(language, _babel_locale(formats, language), translations(language))

    # -- sentences ---------------------------------------------------------------------------

    def gettext(self, message: str, /, **params: object) -> str:
        """`message` (an English msgid) in this language, its placeholders filled."""
        return _fill(self._translations.gettext(message), params)

    def ngettext(self, singular: str, plural: str, count: int, /, **params: object) -> str:
        """The plural form this language uses for `count`; `{count}` is filled with it."""
        text = self._translations.ngettext(singular, plural, count)
        return _fill(text, {"count": self.format_number(count), **params})

    def language_name(self, language: str) -> str:
        """A catalog's language as this reader names it: "Deutsch" is "ドイツ語" in Japanese."""
        return Locale.parse(language).get_display_name(self.formats) or language

    # -- formats -----------------------------------------------------------------------------

    def format_number(self, value: int) -> str:
        return babel_numbers.format_decimal(value, locale=self.formats)

    def format_decimal(self, value: float, *, places: int = 2) -> str:
        """`1.5` -> "1.5" / "1,5": at most `places` decimals, no trailing zeros."""
        pattern = "#,##0." + "#" * places if places else "#,##0"
        return babel_numbers.format_decimal(value, format=pattern, locale=self.formats)

    def format_list(self, items: list[str]) -> str:
        """Items as this reader lists them: "a, b, and c", "a, b und c", "a、b、c"."""
        return babel_lists.format_list(items, locale=self.formats)

    def format_hours(self, hours: float) -> str:
        """Spent time as a person reads it: "1.5 h", "1,5 h", "1.5時間"."""
        return self.gettext("{hours} h", hours=self.format_decimal(hours))

    def format_date(self, value: date, format: DateFormat = "medium") -> str:
        return babel_dates.format_date(value, format=format, locale=self.formats)

    def format_weekday(self, value: date) -> str:
        """The day's short name: "Mon", "Mo.", "月"."""
        return babel_dates.format_date(value, format="EEE", locale=self.formats)

    def format_month(self, value: date) -> str:
        """The month and year: "November 2026", "November 2026", "2026年11月"."""
        return babel_dates.format_skeleton("yMMMM", value, locale=self.formats)

    def format_datetime(
        self, value: datetime, zone: tzinfo | None = None, format: DateFormat = "medium"
    ) -> str:
        return babel_dates.format_datetime(value, format=format, tzinfo=zone, locale=self.formats)

    def format_timedelta(self, delta: timedelta, *, direction: bool = False) -> str:
        """`timedelta(minutes=-5)` -> "5 minutes ago" (with `direction`), "5分前"."""
        return babel_dates.format_timedelta(
            delta, add_direction=direction, threshold=1, locale=self.formats
        )


@cache
def _babel_locale(wanted: str | None, language: str) -> Locale:
    """The person's own locale when Babel knows it and it speaks the catalog's language."""
    catalog_locale = Locale.parse(language)
    if wanted:
        try:
            own = Locale.parse(wanted.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            return catalog_locale
        if own.language == catalog_locale.language:
            return own
    return catalog_locale


@cache
def translator_for(wanted: str | None, default: str | None = SOURCE_LANGUAGE) -> Translator:
    """The translator for a Slack locale (`ja-JP`), falling back as `pick_locale` does."""
    language = pick_locale(wanted, default)
    formats = wanted if pick_locale(wanted, None) == language else default
    return Translator.of(language, formats)
