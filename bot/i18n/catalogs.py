"""The catalogs, read from the `.po` files and compiled in memory on first use.

A fresh clone works as it is: Babel reads each `.po` (`read_po`) and writes its `.mo`
into memory (`write_mo`, which leaves fuzzy entries out), and the stdlib's
`GNUTranslations` reads that, plural rules included. Nothing is compiled at build time
and nothing binary is committed; each language is compiled once per process.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n.negotiate import LANGUAGES, SOURCE_LANGUAGE

LOCALES: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "messages"


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    """One language's `.po` as Babel reads it (the tests check these)."""
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of one language; English (the msgids) needs none."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read_catalog(language))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_all() -> None:
    """Compile every catalog now (at start-up), so no request pays for it."""
    for language in LANGUAGES:
        translations(language)
