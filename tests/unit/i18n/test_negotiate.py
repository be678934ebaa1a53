"""A Slack locale -> the catalog that speaks to it; never an error."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, pick_locale


@pytest.mark.parametrize(
    ("slack_locale", "catalog"),
    [
        # Slack writes tags as `ja-JP`, `en-US` (slack-api-specs, objs_user.locale).
        ("ja-JP", "ja"),
        ("ja", "ja"),
        ("de-DE", "de"),
        ("de-AT", "de"),
        ("fr-FR", "fr"),
        ("fr-CA", "fr"),
        ("es-ES", "es"),
        ("es-LA", "es"),
        ("pt-BR", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("pt", "pt_BR"),
        ("ru-RU", "ru"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh_Hans_SG", "zh_Hans"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("JA_jp", "ja"),
    ],
)
def test_a_slack_locale_finds_its_catalog_by_language(slack_locale: str, catalog: str) -> None:
    assert pick_locale(slack_locale, "de" if catalog != "de" else "fr") == catalog


@pytest.mark.parametrize("unknown", ["sw", "sw-KE", "", None, "??", "-", "x" * 300, "zh-TW"])
def test_a_locale_without_catalog_falls_to_the_default_then_english(unknown: str | None) -> None:
    assert pick_locale(unknown, "de") == "de"
    assert pick_locale(unknown, "pt-PT") == "pt_BR"
    assert pick_locale(unknown) == "en"
    assert pick_locale(unknown, "sw") == "en"
    assert pick_locale(unknown, None) == "en"


def test_traditional_chinese_is_not_shown_simplified() -> None:
    for tag in ("zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW"):
        assert pick_locale(tag, "en") == "en"


def test_every_catalog_name_picks_itself() -> None:
    assert {pick_locale(name, "en") for name in LANGUAGES} == set(LANGUAGES)
