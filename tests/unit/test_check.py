"""`redmine-slack check`: each finding in words, failing where the settings are wrong."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from bot.check import REQUIRED_SCOPES, check_redmine, check_slack
from bot.config import Settings
from bot.i18n import translator_for, using
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, ServerThread, start_fake_slack

REDMINE = "https://redmine.example.com"
KEY = "k" * 40


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": "s",
        "redmine_url": REDMINE,
        "redmine_api_key": KEY,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def texts(findings: list[Any]) -> str:
    return "\n".join(f.line() for f in findings)


def redmine_of_version(style: str) -> None:
    """Redmine's answers to check's probes as 5.0 or 6.1 gives them (recorded against
    Debian's packages; see tests/unit/redmine/test_features.py)."""
    if style == "6.1":
        respx.get(f"{REDMINE}/users.json", params={"status": ""}).respond(
            422, json={"errors": ["Status cannot be blank"]}
        )
        respx.get(f"{REDMINE}/oauth/authorize").respond(302, headers={"Location": "/login"})
    else:
        respx.get(f"{REDMINE}/users.json", params={"status": ""}).respond(
            200, json={"users": [], "total_count": 0}
        )
        respx.get(f"{REDMINE}/oauth/authorize").respond(404)


@respx.mock
async def test_admin_key_is_all_ok() -> None:
    respx.get(f"{REDMINE}/").respond(200, text="<html>")
    respx.get(f"{REDMINE}/users/current.json").respond(
        200, json={"user": {"id": 1, "login": "admin", "admin": True}}
    )
    redmine_of_version("5.0")
    findings = await check_redmine(settings())
    assert all(f.ok for f in findings)
    assert "the key belongs to `admin`" in texts(findings)
    assert "administrator's" in texts(findings)
    assert "users' status filter: 5.0 style" in texts(findings)
    assert "OAuth2: not available" in texts(findings)
    assert KEY not in texts(findings)


@respx.mock
async def test_check_names_the_6x_differences_it_found() -> None:
    respx.get(f"{REDMINE}/").respond(200, text="<html>")
    respx.get(f"{REDMINE}/users/current.json").respond(
        200, json={"user": {"id": 1, "login": "admin", "admin": True}}
    )
    redmine_of_version("6.1")
    findings = await check_redmine(settings())
    assert all(f.ok for f in findings)
    assert "users' status filter: 6.x style" in texts(findings)
    assert "OAuth2: available" in texts(findings)


@respx.mock
async def test_a_non_admin_key_is_not_asked_to_list_users() -> None:
    respx.get(f"{REDMINE}/").respond(200)
    respx.get(f"{REDMINE}/users/current.json").respond(
        200, json={"user": {"id": 5, "login": "alice", "admin": False}}
    )
    listing = respx.get(f"{REDMINE}/users.json").respond(403)
    respx.get(f"{REDMINE}/oauth/authorize").respond(302, headers={"Location": "/login"})
    findings = await check_redmine(settings(secret_key="x" * 32))
    assert listing.call_count == 0
    assert "status filter" not in texts(findings)
    assert "OAuth2: available" in texts(findings)


@respx.mock
async def test_unreachable_redmine_fails_and_names_the_setting() -> None:
    respx.get(f"{REDMINE}/").mock(side_effect=httpx.ConnectError("refused"))
    findings = await check_redmine(settings())
    assert [f.ok for f in findings] == [False]
    assert "REDMINE_URL" in findings[0].text


@respx.mock
async def test_rejected_key_says_where_to_enable_the_api() -> None:
    respx.get(f"{REDMINE}/").respond(200)
    respx.get(f"{REDMINE}/users/current.json").respond(401)
    findings = await check_redmine(settings())
    assert findings[-1].ok is False
    assert "Enable REST web service" in findings[-1].text


@respx.mock
async def test_non_admin_key_needs_secret_key_for_personal_keys() -> None:
    respx.get(f"{REDMINE}/").respond(200)
    respx.get(f"{REDMINE}/users/current.json").respond(
        200, json={"user": {"id": 5, "login": "alice", "admin": False}}
    )
    respx.get(f"{REDMINE}/oauth/authorize").respond(404)
    without_secret = await check_redmine(settings())
    assert "connected-keys-only" in texts(without_secret)
    assert [f.text for f in without_secret if not f.ok] == [
        "connected-keys-only mode stores personal keys: set SECRET_KEY"
    ]
    with_secret = await check_redmine(settings(secret_key="x" * 32))
    assert all(f.ok for f in with_secret)


@pytest.fixture
def fake_slack() -> Iterator[tuple[FakeSlack, ServerThread]]:
    fake, server = start_fake_slack()
    yield fake, server
    server.stop()


async def test_slack_token_and_every_scope(fake_slack: tuple[FakeSlack, ServerThread]) -> None:
    fake, server = fake_slack
    fake.scopes = ",".join(REQUIRED_SCOPES)
    findings = await check_slack(settings(slack_api_url=f"{server.url}/api/"))
    assert all(f.ok for f in findings)
    assert "bot `redmine` in workspace `Test`" in texts(findings)
    assert "every scope" in texts(findings)


async def test_missing_scopes_are_named(fake_slack: tuple[FakeSlack, ServerThread]) -> None:
    fake, server = fake_slack
    fake.scopes = "commands,chat:write"
    findings = await check_slack(settings(slack_api_url=f"{server.url}/api/"))
    failed = [f for f in findings if not f.ok]
    assert len(failed) == 1
    assert "users:read.email" in failed[0].text and "files:read" in failed[0].text
    assert "chat:write," not in failed[0].text  # granted scopes are not listed as missing


async def test_bad_slack_token_fails_with_where_to_get_it(
    fake_slack: tuple[FakeSlack, ServerThread],
) -> None:
    _, server = fake_slack
    findings = await check_slack(
        settings(slack_api_url=f"{server.url}/api/", slack_bot_token="xoxb-wrong")
    )
    assert [f.ok for f in findings] == [False]
    assert "invalid_auth" in findings[0].text and "OAuth & Permissions" in findings[0].text
    assert "xoxb-wrong" not in findings[0].text


OAUTH = {
    "redmine_oauth_client_id": "uid",
    "redmine_oauth_client_secret": "app-secret-value",
    "public_url": "https://bot.example.com",
    "secret_key": "x" * 32,
}


def admin_redmine(version: str) -> None:
    respx.get(f"{REDMINE}/").respond(200, text="<html>")
    respx.get(f"{REDMINE}/users/current.json").respond(
        200, json={"user": {"id": 1, "login": "admin", "admin": True}}
    )
    redmine_of_version(version)


@respx.mock
async def test_connect_with_redmine_set_up_whole_names_the_redirect_uri_to_register() -> None:
    admin_redmine("6.1")
    findings = await check_redmine(settings(**OAUTH))
    assert all(f.ok for f in findings)
    said = texts(findings)
    assert "redirect URI https://bot.example.com/redmine/oauth/callback" in said
    assert "app-secret-value" not in said


@respx.mock
async def test_connect_with_redmine_half_set_up_names_what_is_missing() -> None:
    admin_redmine("6.1")
    half = {k: v for k, v in OAUTH.items() if k not in {"public_url", "secret_key"}}
    [finding] = [f for f in await check_redmine(settings(**half)) if "Connect with" in f.text]
    assert not finding.ok
    assert "set PUBLIC_URL, SECRET_KEY" in finding.text


@respx.mock
async def test_connect_with_redmine_on_a_redmine_without_oauth2_fails() -> None:
    admin_redmine("5.0")
    [finding] = [f for f in await check_redmine(settings(**OAUTH)) if "OAUTH" in f.text]
    assert not finding.ok and "no OAuth2" in finding.text


@respx.mock
async def test_no_oauth_setting_says_nothing_about_it() -> None:
    admin_redmine("6.1")
    assert "Connect with Redmine" not in texts(await check_redmine(settings()))


# -- in the operator's language (the command line speaks it: tests/unit/test_cli.py) ------


@respx.mock
async def test_check_says_its_findings_in_japanese_and_german() -> None:
    admin_redmine("6.1")
    with using(translator_for("ja")):
        japanese = texts(await check_redmine(settings(**OAUTH)))
    assert "REST API は有効です。キーの持ち主は `admin` です" in japanese
    assert "キーは管理者のものです。操作は各 Slack ユーザーとして行われます" in japanese
    assert "ユーザーのステータスでの絞り込み: 6.x の形式 (status=*)" in japanese
    assert "OAuth2: 利用可能" in japanese
    assert "「Redmine で接続」: 有効" in japanese
    assert "  ok   " in japanese  # the status column stays as it is, for scripts too
    with using(translator_for("de")):
        german = texts(await check_redmine(settings(**OAUTH)))
    assert "REST-API eingeschaltet; der Schlüssel gehört `admin`" in german
    assert "Statusfilter für Benutzer: wie in 6.x (status=*)" in german
    assert "„Mit Redmine verbinden“: an; die Anwendung in Redmine" in german
    with using(translator_for("sw")):  # no catalog: English
        assert "REST API enabled; the key belongs to `admin`" in texts(
            await check_redmine(settings(**OAUTH))
        )


@respx.mock
async def test_a_rejected_key_names_redmines_menus_as_japanese_redmine_does() -> None:
    respx.get(f"{REDMINE}/").respond(200)
    respx.get(f"{REDMINE}/users/current.json").respond(401)
    with using(translator_for("ja-JP")):
        [*_, finding] = await check_redmine(settings())
    assert finding.line().startswith("  FAIL Redmine が REDMINE_API_KEY を拒否したか")
    assert "管理 -> 設定 -> API -> RESTによるWebサービスを有効にする" in finding.text
    assert "個人設定 -> APIアクセスキー" in finding.text


async def test_missing_scopes_in_german_use_the_plural(
    fake_slack: tuple[FakeSlack, ServerThread],
) -> None:
    fake, server = fake_slack
    fake.scopes = ",".join(s for s in REQUIRED_SCOPES if s != "files:read")
    with using(translator_for("de")):
        one = await check_slack(settings(slack_api_url=f"{server.url}/api/"))
    assert "Slack-Bot-Token gültig: Bot `redmine` im Workspace `Test`" in texts(one)
    assert "dem Bot fehlt der Bereich files:read: installieren Sie die App" in texts(one)
    fake.scopes = "commands"
    with using(translator_for("de")):
        many = await check_slack(settings(slack_api_url=f"{server.url}/api/"))
    assert "dem Bot fehlen die Bereiche chat:write, users:read" in texts(many)
