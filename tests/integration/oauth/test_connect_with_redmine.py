"""Connect with Redmine, end to end on a real Redmine 6.1 (its OAuth2 provider, #24808).

Bob's company runs no admin key: the service's REDMINE_API_KEY is an ordinary user's
(dave's), so it is in connected-keys-only mode. The test registers the application in
Redmine (Doorkeeper's model through `bin/rails runner`, as Administration -> Applications
does), Bob opens the App Home and takes its "Connect with Redmine" button, logs in to
Redmine in a browser (its login form, with its CSRF token), approves, and his browser
follows Redmine's redirect to our callback. Then his `/redmine create` from Slack (signed,
through the app's route) lands in Redmine as Bob. Revoked in Redmine, the token writes
nothing and Bob is told to connect again.

Only Redmine 6.1 and newer have OAuth2: elsewhere these tests skip, saying so. CI runs the
integration suite on 6.1 too, where they run.
"""

from __future__ import annotations

import html
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from bot.app import create_app
from bot.blocks.oauth import CONNECT_OAUTH_ACTION
from bot.config import DEFAULT_OAUTH_SCOPES, Settings
from bot.people.oauth import CALLBACK_PATH
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, response_text, settings_for
from tests.integration.test_app_home import home_action
from tests.redmine_server import (
    PASSWORD,
    RedmineUnavailableForTests,
    Seed,
    redmine_version,
    register_oauth_application,
)
from tests.support.fakeslack import FakeSlack, ServerThread, free_port

pytestmark = pytest.mark.skipif(
    redmine_version() != "6.1",
    reason=f"Connect with Redmine needs Redmine 6.1's OAuth2 provider; this run's Redmine "
    f"is {redmine_version()} (run with REDMINE_VERSION=6.1)",
)

TOKEN_FIELD = re.compile(r'name="authenticity_token" value="([^"]+)"')


@dataclass(frozen=True)
class Application:
    port: int  # the service's: the redirect URI registered in Redmine names it
    client_id: str
    client_secret: str


@pytest.fixture(scope="module")
def application(redmine_seed: Seed) -> Application:
    port = free_port()
    try:
        client_id, secret = register_oauth_application(
            f"Slack {uuid.uuid4().hex[:6]}",
            f"http://127.0.0.1:{port}{CALLBACK_PATH}",
            DEFAULT_OAUTH_SCOPES,
        )
    except RedmineUnavailableForTests as error:
        pytest.skip(str(error))
    return Application(port, client_id, secret)


@pytest.fixture
def settings(
    redmine_seed: Seed, fake_slack: FakeSlack, application: Application, tmp_path: Path
) -> Settings:
    """No admin key: dave's own key, so nobody is impersonated (connected-keys-only)."""
    return settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "service.sqlite3",
        redmine_api_key=redmine_seed.users["dave"].api_key,
        redmine_oauth_client_id=application.client_id,
        redmine_oauth_client_secret=application.client_secret,
        public_url=f"http://127.0.0.1:{application.port}",
    )


@contextmanager
def running(settings: Settings, fake: FakeSlack, seed: Seed) -> Iterator[RunningService]:
    """The whole service on the port the application's redirect URI names."""
    port = int(str(settings.public_url).rstrip("/").rsplit(":", 1)[1])
    server = ServerThread(create_app(settings, register_all), port).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake, seed, http)
    finally:
        server.stop()


@pytest.fixture
def service(
    settings: Settings, fake_slack: FakeSlack, redmine_seed: Seed
) -> Iterator[RunningService]:
    with running(settings, fake_slack, redmine_seed) as service:
        yield service


def open_home(service: RunningService, user: str) -> dict[str, Any]:
    """app_home_opened in the Events API envelope (docs.slack.dev/reference/events/
    app_home_opened), then the Home view the app published."""
    before = len([c for c in service.fake.of("views.publish") if c.args.get("user_id") == user])
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}
    assert service.event({**event, "event_ts": f"{time.time():.6f}"}).status_code == 200
    calls = service.fake.wait_for(
        "views.publish", lambda c: c.args.get("user_id") == user, count=before + 1
    )
    view: dict[str, Any] = calls[-1].args["view"]
    return view


def connect_button(view: dict[str, Any]) -> dict[str, Any]:
    found = [
        block["accessory"]
        for block in view["blocks"]
        if (block.get("accessory") or {}).get("action_id") == CONNECT_OAUTH_ACTION
    ]
    assert found, f"no Connect with Redmine button in {view['blocks']}"
    return found[0]


def click(service: RunningService, user: str, button: dict[str, Any]) -> None:
    """Slack opens the link in the browser and still sends the click (block_actions from
    the Home tab), which must be acked (docs.slack.dev/reference/block-kit/block-elements/
    button-element: "you'll still receive an interaction payload")."""
    action = {"type": "button", "action_id": button["action_id"], "block_id": "b1"}
    home_action(service, user, {**action, "text": button["text"]})


class Browser:
    """A person's browser: cookies, and redirects followed one by one so each is seen."""

    def __init__(self) -> None:
        self.http = httpx.Client(timeout=30.0, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def follow(self, response: httpx.Response, *, until: str) -> httpx.Response:
        """Follow redirects until one points at a URL starting with `until` (not fetched)."""
        while response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if target.startswith(until):
                return response
            response = self.http.get(target)
        return response

    def log_in(self, login_page: httpx.Response, login: str) -> httpx.Response:
        """Redmine's login form with its CSRF token and the back_url it was given."""
        token = TOKEN_FIELD.search(login_page.text)
        back = re.search(r'name="back_url" value="([^"]*)"', login_page.text)
        assert token and back, "no Redmine login form"
        return self.http.post(
            urljoin(str(login_page.url), "/login"),
            data={
                "username": login,
                "password": PASSWORD,
                "authenticity_token": token.group(1),
                "back_url": html.unescape(back.group(1)),
            },
        )

    def approve(self, page: httpx.Response, press: str = "Authorize") -> httpx.Response:
        """Press *Authorize* (or *Deny*, a DELETE) on Redmine's authorization page."""
        form = next(
            f
            for f in re.findall(r"<form[^>]*action=\"/oauth/authorize\".*?</form>", page.text, re.S)
            if f'value="{press}"' in f
        )
        fields = dict(re.findall(r'name="([^"]+)"[^>]*?value="([^"]*)"', form))
        fields.pop("commit", None)
        data = {k: html.unescape(v) for k, v in fields.items()}
        return self.http.post(urljoin(str(page.url), "/oauth/authorize"), data=data)


def sign_in_and_approve(
    service: RunningService, start_url: str, login: str, press: str = "Authorize"
) -> str:
    """From the button's URL to Redmine's redirect back to us: the callback URL."""
    browser = Browser()
    callback = f"{service.url}{CALLBACK_PATH}"
    try:
        to_redmine = browser.get(start_url)
        assert to_redmine.status_code == 302
        authorize = to_redmine.headers["location"]
        assert authorize.startswith(f"{service.seed.url}/oauth/authorize?")
        asked = parse_qs(urlsplit(authorize).query)
        assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"]
        login_page = browser.follow(browser.get(authorize), until=callback)
        assert "/login" in str(login_page.url), "Redmine should ask Bob to log in first"
        page = browser.follow(browser.log_in(login_page, login), until=callback)
        if not page.is_redirect:  # doorkeeper skips the page for an app already approved
            assert page.status_code == 200 and 'value="Authorize"' in page.text, page.text[-3000:]
            page = browser.follow(browser.approve(page, press), until=callback)
        assert page.is_redirect
        return urljoin(str(page.url), page.headers["location"])
    finally:
        browser.close()


def connect(service: RunningService, user: str, login: str) -> str:
    """Bob's whole connection, from the App Home to the callback's page; the callback URL."""
    view = open_home(service, user)
    button = connect_button(view)
    click(service, user, button)
    callback_url = sign_in_and_approve(service, button["url"], login)
    landed = service.http.get(callback_url)
    assert landed.status_code == 200, landed.text
    assert "Connected to Redmine" in landed.text and f"as {login} " in landed.text
    return callback_url


def test_bob_connects_with_redmine_and_his_create_lands_as_bob_without_an_admin_key(
    service: RunningService,
) -> None:
    seed = service.seed
    # Before: with no admin key and nothing connected, Bob is asked to connect.
    before = open_home(service, "UBOB")
    assert "everyone acts with their own API key" in str(before["blocks"])

    callback_url = connect(service, "UBOB", "bob")

    # Slack tells Bob who he now is, in a DM.
    [dm] = service.fake.wait_for(
        "chat.postMessage", lambda c: "You're connected" in str(c.args.get("text"))
    )
    assert "`bob` (Bob Baker)" in dm.args["text"]
    assert service.command("whoami", user="UBOB").status_code == 200
    said = service.wait_response(lambda a: "you connected with Redmine" in response_text(a))
    assert "`bob`" in response_text(said)

    # The same callback again: refused, and nothing changes.
    replayed = service.http.get(callback_url)
    assert replayed.status_code == 400 and "already used" in replayed.text

    subject = f"Made over OAuth {uuid.uuid4().hex[:8]}"
    assert service.command(f"create alpha {subject}", user="UBOB").status_code == 200
    answer = service.wait_response(lambda a: subject in response_text(a))
    assert "/issues/" in response_text(answer)
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["author"]["id"] == seed.users["bob"].id  # not dave, whose key the service has


def test_a_token_revoked_in_redmine_writes_nothing_and_bob_is_told_to_connect_again(
    service: RunningService,
) -> None:
    connect(service, "UBOB", "bob")
    # Bob revokes the app in Redmine; the service learns it only from Redmine's 401.
    seed = service.seed
    assert _revoke_bobs_tokens(seed) >= 1

    subject = f"After revoke {uuid.uuid4().hex[:8]}"
    assert service.command(f"create alpha {subject}", user="UBOB").status_code == 200
    answer = service.wait_response(
        lambda a: "no longer accepts your connection" in response_text(a)
    )
    assert "/redmine connect" in response_text(answer)
    assert rm.issues_with_subject(seed, subject) == []
    # And the App Home offers the button again.
    assert connect_button(open_home(service, "UBOB"))


def _revoke_bobs_tokens(seed: Seed) -> int:
    """Press *Revoke* for each application under Bob's My account -> Authorized
    applications: the page's links carry `data-method="delete"`, which rails-ujs sends
    as a POST with `_method=delete` and the page's CSRF token (its csrf-token meta tag).
    How many were revoked."""
    browser = Browser()
    try:
        page = browser.get(f"{seed.url}/oauth/authorized_applications")
        login_page = browser.follow(page, until="-")
        listed = browser.follow(browser.log_in(login_page, "bob"), until="-")
        assert listed.status_code == 200, listed.status_code
        links = set(re.findall(r'href="(/oauth/authorized_applications/\d+)"', listed.text))
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', listed.text)
        assert links and token, "no authorized application to revoke"
        for link in sorted(links):
            done = browser.http.post(
                f"{seed.url}{link}",
                data={"_method": "delete", "authenticity_token": html.unescape(token.group(1))},
            )
            assert done.status_code in {302, 303}, done.status_code
        return len(links)
    finally:
        browser.close()


def test_bob_pressing_deny_in_redmine_or_a_forged_state_stores_nothing(
    service: RunningService,
) -> None:
    button = connect_button(open_home(service, "UERIN"))
    denied_url = sign_in_and_approve(service, button["url"], "erin", press="Deny")
    assert parse_qs(urlsplit(denied_url).query)["error"] == ["access_denied"]
    denied = service.http.get(denied_url)
    assert denied.status_code == 400
    assert "You did not allow redmine-slack in Redmine" in denied.text
    assert "Nothing was stored" in denied.text
    forged = service.http.get(f"{service.url}{CALLBACK_PATH}?code=abc&state=forged.state")
    assert forged.status_code == 400 and "did not come from redmine-slack" in forged.text
    # Still asked to connect: nothing was stored for her.
    assert connect_button(open_home(service, "UERIN"))


def stored_token(settings: Settings) -> tuple[str, str]:
    path = str(settings.database_url).split("///", 1)[1]
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT encrypted_access_token, expires_at FROM oauth_tokens WHERE slack_user_id='UBOB'"
        ).fetchone()
    return str(row[0]), str(row[1])


def test_a_token_about_to_run_out_is_refreshed_with_redmine_across_a_restart(
    settings: Settings, fake_slack: FakeSlack, redmine_seed: Seed
) -> None:
    with running(settings, fake_slack, redmine_seed) as service:
        connect(service, "UBOB", "bob")
    sealed, _ = stored_token(settings)
    # Redmine's tokens live 2 hours: make this one end in a minute (inside the margin).
    soon = (datetime.now(UTC) + timedelta(minutes=1)).replace(tzinfo=None)
    path = str(settings.database_url).split("///", 1)[1]
    with sqlite3.connect(path) as db:
        db.execute("UPDATE oauth_tokens SET expires_at = ?", (soon.isoformat(sep=" "),))
    with running(settings, fake_slack, redmine_seed) as service:
        subject = f"After refresh {uuid.uuid4().hex[:8]}"
        assert service.command(f"create alpha {subject}", user="UBOB").status_code == 200
        service.wait_response(lambda a: subject in response_text(a))
        [issue] = rm.issues_with_subject(redmine_seed, subject)
        assert issue["author"]["id"] == redmine_seed.users["bob"].id
    refreshed, expires = stored_token(settings)
    assert refreshed != sealed  # a new pair from Redmine's token endpoint, stored
    assert datetime.fromisoformat(expires) > soon + timedelta(minutes=30)
