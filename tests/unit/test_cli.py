"""`redmine-slack`: what the command line says to the operator, in the operator's language."""

from __future__ import annotations

from typing import Any

import pytest

import bot.check
from bot import cli
from bot.check import Finding
from bot.i18n import current
from tests.unit.test_config import REQUIRED, clean_env  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def quiet_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    # No log set up; the settings' environment is cleared by test_config's clean_env.
    monkeypatch.setattr(cli, "configure_logging", lambda *args, **kwargs: None)


def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def patch_check(monkeypatch: pytest.MonkeyPatch) -> Any:
    def answer(*found: Finding) -> None:
        async def redmine(settings: Any) -> list[Finding]:
            return list(found)

        async def slack(settings: Any) -> list[Finding]:
            return []

        monkeypatch.setattr(bot.check, "check_redmine", redmine)
        monkeypatch.setattr(bot.check, "check_slack", slack)

    return answer


def test_check_sums_up_in_japanese_and_german(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], patch_check: Any
) -> None:
    settled(monkeypatch)
    patch_check(Finding(True, "fine"))
    monkeypatch.setenv("DEFAULT_LOCALE", "ja")
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out == "  ok   fine\nすべて問題ありません。\n"

    patch_check(Finding(False, "broken"))
    monkeypatch.delenv("DEFAULT_LOCALE")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert cli.main(["check"]) == 1
    said = capsys.readouterr().out
    assert said.startswith("  FAIL broken\n")
    assert "Beheben Sie die FAIL-Zeilen oben und führen Sie dann `redmine-slack check`" in said
    assert current().language == "en"  # the terminal's language stays with the terminal


def test_check_really_speaks_through_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real check, with Redmine unreachable: its finding is said in the operator's language.
    settled(monkeypatch)
    monkeypatch.setenv("REDMINE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert cli.main(["check"]) == 1
    said = capsys.readouterr().out
    assert "  FAIL http://127.0.0.1:9 の Redmine に接続できません" in said
    assert "REDMINE_URL を確認してください。" in said
    assert "http://127.0.0.1:9/api/ の Slack API に接続できません" in said
    assert "上の FAIL の行を直してから" in said


def test_check_is_english_for_a_locale_without_a_catalog(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], patch_check: Any
) -> None:
    settled(monkeypatch)
    patch_check(Finding(True, "fine"))
    monkeypatch.setenv("DEFAULT_LOCALE", "sw")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # DEFAULT_LOCALE is set, so it decides
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.endswith("All good.\n")


def test_a_settings_error_goes_to_stderr_in_the_operators_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert cli.main(["check"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("redmine-slack を起動できません。")
    assert "SLACK_BOT_TOKEN が設定されていません" in said


def test_help_is_in_the_operators_language_and_the_words_stay_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with pytest.raises(SystemExit):
        cli.main(["poll", "--help"])
    said = capsys.readouterr().out
    assert said.startswith("Aufruf: redmine-slack poll [-h] [--once] [--since SINCE]")
    assert "Optionen:" in said and "diese Hilfe anzeigen und beenden" in said
    assert "einen Durchlauf ausführen und beenden (für cron)" in said
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    said = capsys.readouterr().out
    assert "Befehle:" in said and "das Datenbankschema anlegen oder aktualisieren" in said
    assert "{serve,web,poll,check,migrate}" in said
    assert current().language == "en"
