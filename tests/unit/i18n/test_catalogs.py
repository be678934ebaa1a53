"""Every catalog says every sentence the code marks, completely and with the same blanks.

The sentences are read from the source the way gettext tools read them (Babel's Python
extractor over bot/ and handlers/: `_`, `ngettext`, `N_`, `gettext`), so a new `_()`
without its translations fails here, and so does a translation that dropped or renamed
a placeholder, is marked fuzzy, or is empty.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from bot.i18n import LANGUAGES, SOURCE_LANGUAGE
from bot.i18n.catalogs import po_path, read_catalog

ROOT = Path(__file__).resolve().parents[3]
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]

MsgId = str | tuple[str, str]


@cache
def source_messages() -> dict[MsgId, str]:
    """Every marked sentence in bot/ and handlers/ -> where it first appears."""
    found: dict[MsgId, str] = {}
    for folder in ("bot", "handlers"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS
        ):
            if isinstance(message, tuple):
                key: MsgId = (message[0], message[1])
            else:
                key = message
            found.setdefault(key, f"{folder}/{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def entries(catalog: Catalog) -> dict[MsgId, Message]:
    return {message.id: message for message in catalog if message.id}


def test_the_source_is_read_and_marks_sentences() -> None:
    assert "{hours} h" in source_messages()


def test_every_language_has_a_po_file() -> None:
    assert [language for language in TRANSLATED if not po_path(language).is_file()] == []


def test_every_catalog_has_every_sentence_and_nothing_stale() -> None:
    wanted = set(source_messages())
    problems = {}
    for language in TRANSLATED:
        have = set(entries(read_catalog(language)))
        missing = sorted(map(str, wanted - have))
        stale = sorted(map(str, have - wanted))
        if missing or stale:
            problems[language] = {"missing": missing, "stale": stale}
    assert problems == {}


def test_no_entry_is_fuzzy_or_empty() -> None:
    problems = []
    for language in TRANSLATED:
        catalog = read_catalog(language)
        for message in entries(catalog).values():
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if (
                message.fuzzy
                or not all(forms)
                or len(forms) != (catalog.num_plurals if message.pluralizable else 1)
            ):
                problems.append(f"{language}: {message.id!r}")
    assert problems == []


def test_placeholders_are_the_english_ones() -> None:
    problems = []
    for language in TRANSLATED:
        for message in entries(read_catalog(language)).values():
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            english = set().union(*(placeholders(text) for text in ids))
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            for form in forms:
                if placeholders(form) != english:
                    problems.append(f"{language}: {message.id!r} -> {form!r}")
    assert problems == []


def test_the_checks_see_a_broken_catalog(tmp_path: Path) -> None:
    # The checks above on a catalog that is wrong in every way, so they cannot pass on nothing.
    catalog = Catalog(locale="de")
    catalog.add("{hours} h", "{stunden} h")
    catalog.add("Empty", "")
    catalog.add("Fuzzy", "Unscharf", flags=["fuzzy"])
    found = entries(catalog)
    assert placeholders(str(found["{hours} h"].string)) != placeholders("{hours} h")
    assert not found["Empty"].string
    assert found["Fuzzy"].fuzzy


def msgid_lines(text: str) -> list[str]:
    """Each entry's `msgctxt|msgid` as the `.po` text writes it, continued lines joined;
    the header's empty msgid is left out."""
    keys: list[str] = []
    context, current, reading = "", "", False
    for line in [*text.splitlines(), ""]:
        if reading and line.startswith('"'):
            current += line[1:-1]
            continue
        if reading:
            if current:
                keys.append(f"{context}|{current}")
            context, reading = "", False
        if line.startswith("msgctxt "):
            context = line[len('msgctxt "') : -1]
        elif line.startswith("msgid "):
            current, reading = line[len('msgid "') : -1], True
    return keys


def test_no_catalog_says_a_sentence_twice() -> None:
    # Branches append their sentences to the end of each `.po` and merge by union
    # (.gitattributes); two adding the same sentence would leave it twice, and Babel keeps
    # the last one without a word.
    problems = {}
    for language in TRANSLATED:
        keys = msgid_lines(po_path(language).read_text())
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            problems[language] = twice
    assert problems == {}
    sample = 'msgid ""\nmsgstr "h"\n\nmsgid "A"\nmsgstr "a"\n\nmsgid ""\n"A"\nmsgstr "b"\n'
    assert msgid_lines(sample) == ["|A", "|A"]
    assert msgid_lines('msgctxt "c"\nmsgid "A"\nmsgstr "a"\n') == ["c|A"]
