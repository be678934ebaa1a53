"""Translator: a catalog's sentences, its plural rules, and Babel's formats."""

from __future__ import annotations

import asyncio
import gettext
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot.i18n import Translator, _, current, ngettext, speak, translator_for, using
from bot.i18n.catalogs import load_all, translations


def _compiled(catalog: Catalog) -> gettext.GNUTranslations:
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def test_plural_forms_follow_the_languages_own_rule() -> None:
    # Russian has three forms (1, 2-4, 5+; 11-14 take the third), Japanese one: the
    # rule comes from the catalog's Plural-Forms, never from `"s" if n > 1`.
    catalog = Catalog(locale="ru")
    catalog.add(
        ("{count} issue", "{count} issues"), ("{count} задача", "{count} задачи", "{count} задач")
    )
    russian = Translator("ru", Locale.parse("ru"), _compiled(catalog))
    said = [russian.ngettext("{count} issue", "{count} issues", n) for n in (1, 2, 5, 11, 21, 22)]
    assert said == ["1 задача", "2 задачи", "5 задач", "11 задач", "21 задача", "22 задачи"]
    japanese = Catalog(locale="ja")
    japanese.add(("{count} issue", "{count} issues"), ("チケット{count}件",))
    ja = Translator("ja", Locale.parse("ja"), _compiled(japanese))
    assert [ja.ngettext("{count} issue", "{count} issues", n) for n in (1, 3)] == [
        "チケット1件",
        "チケット3件",
    ]
    english = translator_for("en-US")
    assert english.ngettext("{count} issue", "{count} issues", 1) == "1 issue"
    assert english.ngettext("{count} issue", "{count} issues", 1200) == "1,200 issues"


def test_a_sentence_missing_from_a_catalog_is_said_in_english() -> None:
    assert translator_for("ja-JP").gettext("Not in any catalog {x}", x=1) == "Not in any catalog 1"


def test_hours_use_the_readers_decimal_separator() -> None:
    assert translator_for("en-US").format_hours(1.5) == "1.5 h"
    assert translator_for("de-DE").format_hours(1.5) == "1,5 h"
    assert translator_for("fr-FR").format_hours(0.25) == "0,25 h"
    assert translator_for("ja-JP").format_hours(2) == "2時間"
    assert translator_for("ru-RU").format_hours(1.75) == "1,75 ч"


def test_dates_are_written_as_each_reader_expects() -> None:
    day = date(2026, 3, 9)
    assert translator_for("en-US").format_date(day) == "Mar 9, 2026"
    assert translator_for("de-DE").format_date(day) == "09.03.2026"
    assert translator_for("ja-JP").format_date(day) == "2026/03/09"
    assert translator_for("ja-JP").format_date(day, "long") == "2026年3月9日"
    # de-AT reads the German catalog with Austrian month names.
    assert translator_for("de-AT").format_date(date(2026, 1, 9), "long") == "9. Jänner 2026"
    moment = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    assert "10.03.2026" in translator_for("de-DE").format_datetime(
        moment, ZoneInfo("Europe/Berlin")
    )


def test_durations_read_naturally() -> None:
    ago = timedelta(minutes=-5)
    assert translator_for("en").format_timedelta(ago, direction=True) == "5 minutes ago"
    assert translator_for("ja-JP").format_timedelta(ago, direction=True) == "5 分前"
    assert translator_for("de-DE").format_timedelta(ago, direction=True) == "vor 5 Minuten"


def test_an_unknown_locale_gets_english_words_and_its_defaults_formats() -> None:
    swahili = translator_for("sw-KE", "de")
    assert swahili.language == "de"
    assert swahili.format_hours(1.5) == "1,5 h"
    assert translator_for("sw").language == "en"
    assert translator_for("sw").format_hours(1.5) == "1.5 h"


def test_the_current_translator_is_english_outside_any_request_and_scoped_inside() -> None:
    assert current().language == "en"
    with using(translator_for("ja-JP")):
        assert _("{hours} h", hours="3") == "3時間"
        assert ngettext("{count} issue", "{count} issues", 2) == "2 issues"  # not in the catalog
    assert _("{hours} h", hours="3") == "3 h"


async def test_a_request_speaks_its_language_to_the_tasks_it_starts_and_no_further() -> None:
    async def request(locale: str) -> str:
        speak(translator_for(locale))
        child = asyncio.create_task(asyncio.sleep(0, result=current().language))
        return await child

    # Each task has its own context: one request's language never reaches another's.
    said = await asyncio.gather(
        asyncio.create_task(request("ja")), asyncio.create_task(request("de"))
    )
    assert said == ["ja", "de"]
    assert current().language == "en"


def test_every_catalog_compiles_from_its_po(tmp_path: Path) -> None:
    load_all()
    assert translations("de").gettext("{hours} h") == "{hours} h"
    assert translations("zh_Hans").gettext("{hours} h") == "{hours} 小时"
    assert isinstance(translations("en"), gettext.NullTranslations)


def test_lists_are_joined_the_readers_way() -> None:
    assert translator_for("en-US").format_list(["a", "b", "c"]) == "a, b, and c"
    assert translator_for("de-DE").format_list(["a", "b", "c"]) == "a, b und c"
    assert translator_for("ja-JP").format_list(["a", "b", "c"]) == "a、b、c"
