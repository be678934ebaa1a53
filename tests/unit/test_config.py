from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    LOCALE_VARIABLES,
    Settings,
    SettingsError,
    load_settings,
    operator_locale,
    operator_translator,
)
from bot.i18n import current
from tests.support.tls import PrivateCA

REQUIRED = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "REDMINE_URL": "https://redmine.example.com/",
    "REDMINE_API_KEY": "k" * 40,
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in [
        *REQUIRED,
        "SLACK_APP_TOKEN",
        "PORT",
        "POLL_INTERVAL",
        "LOG_LEVEL",
        "DATABASE_URL",
        "REDMINE_CA_BUNDLE",
        "DEFAULT_LOCALE",
        "LANGUAGE",
        *LOCALE_VARIABLES,
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.redmine_base_url == "https://redmine.example.com"
    assert settings.slack_api_base_url == "https://slack.com/api/"
    assert (settings.port, settings.poll_interval, settings.socket_mode) == (3000, 60.0, False)
    assert "k" * 40 not in repr(settings)


def test_every_problem_listed_once_with_where_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("PORT", "99999")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = str(caught.value)
    assert "SLACK_BOT_TOKEN must be a bot token starting with xoxb-" in text.replace(
        "Value error, ", ""
    )
    assert "REDMINE_URL is missing (where to get it:" in text
    assert "REDMINE_API_KEY is missing (where to get it: Redmine -> My account" in text
    assert "PORT" in text
    assert "Traceback" not in text


def test_signing_secret_needed_unless_socket_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REQUIRED.items():
        if name != "SLACK_SIGNING_SECRET":
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is missing"):
        load_settings()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().socket_mode


def test_env_file_is_read(tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text(
        "\n".join(f"{k}={v}" for k, v in REQUIRED.items()) + "\nPOLL_INTERVAL=5\n"
    )
    assert load_settings().poll_interval == 5.0


def test_a_ca_bundle_must_be_a_pem_file_of_certificates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REDMINE_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(SettingsError, match="REDMINE_CA_BUNDLE") as missing:
        load_settings()
    assert "where to get it: the PEM file of the certificate authority" in str(missing.value)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    monkeypatch.setenv("REDMINE_CA_BUNDLE", str(garbage))
    with pytest.raises(SettingsError, match=r"REDMINE_CA_BUNDLE .*is not a PEM file"):
        load_settings()
    good = PrivateCA(tmp_path / "pki").bundle
    monkeypatch.setenv("REDMINE_CA_BUNDLE", str(good))
    assert load_settings().redmine_ca_file == str(good)


# -- the operator's language --------------------------------------------------------------


def test_a_config_error_in_the_operators_japanese_and_german(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("PORT", "99999")
    monkeypatch.setenv("DEFAULT_LOCALE", "ja")
    with pytest.raises(SettingsError) as japanese:
        load_settings()
    text = str(japanese.value)
    assert text.startswith("redmine-slack を起動できません。次の設定を直してください")
    assert "SLACK_BOT_TOKEN は xoxb- で始まるボットトークンでなければなりません" in text
    assert "REDMINE_URL が設定されていません (入手先:" in text
    # Redmine's own menu names, as Redmine writes them in Japanese.
    assert "個人設定 -> APIアクセスキー" in text
    assert "管理 -> 設定 -> API -> RESTによるWebサービスを有効にする" in text
    assert "PORT は 65535 以下でなければなりません" in text

    monkeypatch.delenv("DEFAULT_LOCALE")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # the terminal's locale, when DEFAULT_LOCALE is unset
    with pytest.raises(SettingsError) as german:
        load_settings()
    text = str(german.value)
    assert text.startswith("redmine-slack kann nicht starten; korrigieren Sie diese Einstellungen")
    assert "REDMINE_URL fehlt (wo Sie den Wert finden:" in text
    assert "Mein Konto -> API-Zugriffsschlüssel" in text
    assert "PORT darf höchstens 65535 sein" in text
    assert current().language == "en"  # the operator's language does not outlive the message


def test_a_config_error_is_english_for_a_language_without_a_catalog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for value in ["sw", "sw_KE.UTF-8", "C.UTF-8", "!!", "zh_TW.UTF-8"]:
        monkeypatch.setenv("DEFAULT_LOCALE", value)
        with pytest.raises(SettingsError) as caught:
            load_settings()
        assert "REDMINE_URL is missing (where to get it:" in str(caught.value), value


def test_the_signing_secret_error_and_a_validator_in_german(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in REQUIRED.items():
        if name != "SLACK_SIGNING_SECRET":
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("DEFAULT_LOCALE", "de")
    with pytest.raises(SettingsError) as missing:
        load_settings()
    assert (
        "SLACK_SIGNING_SECRET fehlt (nötig, solange SLACK_APP_TOKEN nicht den Socket Mode"
        in str(missing.value)
    )
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("REDMINE_CA_BUNDLE", str(garbage))
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(SettingsError) as invalid:
        load_settings()
    assert "REDMINE_CA_BUNDLE ist keine PEM-Datei mit CA-Zertifikaten (" in str(invalid.value)
    assert "LOG_LEVEL muss einer dieser Werte sein: DEBUG, INFO" in str(invalid.value)


def test_default_locale_in_env_file_speaks_when_the_settings_fail() -> None:
    # The settings did not load, so the .env line is read on its own.
    Path(".env").write_text("DEFAULT_LOCALE=ja\nPOLL_INTERVAL=often\n")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "POLL_INTERVAL は数値でなければなりません" in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"LANG": "ja_JP.UTF-8"}, "ja_JP"),
        ({"LANG": "de_DE@euro"}, "de_DE"),
        # DEFAULT_LOCALE first, then LC_ALL, LC_MESSAGES, LANG: the first one set decides.
        ({"DEFAULT_LOCALE": "fr", "LC_ALL": "ja_JP.UTF-8", "LANG": "de_DE"}, "fr"),
        ({"default_locale": "fr", "LANG": "de_DE"}, "fr"),  # settings are case-insensitive
        ({"LC_ALL": "ja_JP.UTF-8", "LC_MESSAGES": "ru_RU", "LANG": "de_DE"}, "ja_JP"),
        ({"LC_ALL": "", "LC_MESSAGES": "ru_RU.UTF-8", "LANG": "de_DE"}, "ru_RU"),
        ({"DEFAULT_LOCALE": "sw", "LANG": "de_DE"}, "sw"),  # set, so it decides: English
        # GNU's LANGUAGE list goes first when a locale is set, and not under C.
        ({"LANGUAGE": "sw:pt_BR:de", "LANG": "de_DE.UTF-8"}, "pt_BR"),
        ({"LANGUAGE": "sw", "LANG": "de_DE.UTF-8"}, "de_DE"),
        ({"LANGUAGE": "de", "LANG": "C.UTF-8"}, None),
        ({"LANGUAGE": "de"}, None),
        ({"LANG": "POSIX"}, None),
    ],
)
def test_the_operators_locale_and_its_order(environ: dict[str, str], expected: str | None) -> None:
    assert operator_locale(environ=environ, env_file=None) == expected


def test_the_operators_language_never_fails_and_falls_back_to_english() -> None:
    for tag in [None, "", "sw", "C", "zh_TW", "x" * 300, "ja_JP.garbage@@", "../../etc"]:
        translator = operator_translator(environ={"LANG": tag} if tag else {}, env_file=None)
        assert translator.language == ("ja" if tag and tag.startswith("ja") else "en"), tag
    assert operator_translator(environ={"LANG": "zh_CN.UTF-8"}, env_file=None).language == "zh_Hans"
    assert operator_translator(environ={"LANG": "pt_PT.UTF-8"}, env_file=None).language == "pt_BR"


def test_loaded_settings_say_default_locale_only_when_it_was_set() -> None:
    values = {"slack_bot_token": "xoxb-1", "redmine_url": "https://r", "redmine_api_key": "k"}
    explicit = Settings(_env_file=None, default_locale="de", **values)  # type: ignore[call-arg]
    implicit = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    assert operator_locale(explicit, environ={"LANG": "ja_JP.UTF-8"}) == "de"
    # Unset, DEFAULT_LOCALE's default (English) is for Slack; the terminal says its own.
    assert operator_locale(implicit, environ={"LANG": "ja_JP.UTF-8"}) == "ja_JP"
