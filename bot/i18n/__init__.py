"""Every sentence a person reads, in their language: the gettext catalog and Babel formats.

- `negotiate.py`: a Slack locale (`ja-JP`, `pt-PT`, `sw`) -> the catalog that speaks to
  it, falling back by language, then to the default, then to English; never an error.
- `catalogs.py`: the `.po` files under `locales/<lang>/LC_MESSAGES/`, compiled in memory
  with Babel the first time a language is used (no build step, nothing binary committed).
- `translator.py`: `Translator`, one locale's words and formats (dates, numbers, hours,
  "5 minutes ago").
- `current.py`: the translator of the request or delivery being served, and `_`,
  `ngettext`, `N_` that read through it, so a sentence is wrapped where it is written.

The source language is English: a msgid is the English sentence itself, and English
needs no catalog. Placeholders are `str.format` names (`{issue}`), identical in every
language (tests/unit/i18n/test_catalogs.py holds that).

May import: nothing else of bot.
"""

from bot.i18n.current import N_, _, current, ngettext, speak, using
from bot.i18n.negotiate import LANGUAGES, SOURCE_LANGUAGE, catalog_for, pick_locale
from bot.i18n.translator import Translator, translator_for

__all__ = [
    "LANGUAGES",
    "N_",
    "SOURCE_LANGUAGE",
    "Translator",
    "_",
    "catalog_for",
    "current",
    "ngettext",
    "pick_locale",
    "speak",
    "translator_for",
    "using",
]
