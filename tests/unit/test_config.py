from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
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
