"""A whole session at DEBUG, logged as `redmine-slack serve` logs, holds no secret.

The service runs as the CLI runs it (bot.cli.server_config, bot.logging's root handler)
against the real Redmine and the fake Slack: commands, the connect form with a personal
API key and a command acting with it, a rejected request carrying that key, the webhook
with `?token=`, and a poll cycle that posts a notification. Then every configured secret
is looked for in everything that was logged.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot.app import create_app
from bot.cli import poller_jobs, secrets_of, server_config
from bot.logging import configure_logging
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, free_port
from tests.support.signing import interaction_body

WEBHOOK_SECRET = "webhook-secret-never-logged"
APP_SECRET_KEY = "secret-key-that-encrypts-personal-keys-never-logged"


@pytest.fixture
def root_log() -> Iterator[io.StringIO]:
    """The root handler as the CLI installs it, writing into a buffer; restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


def _connect_submission(key: str) -> dict[str, object]:
    # The shape of a view_submission as bolt-python's tests and Slack's reference show it
    # (https://api.slack.com/reference/interaction-payloads/views#view_submission).
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": "USTRANGER", "username": "ustranger", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "T.submit",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "connect_modal",
            "team_id": "T1",
            "private_metadata": "",
            "hash": "h1",
            "state": {
                "values": {"api_key": {"api_key": {"type": "plain_text_input", "value": key}}}
            },
        },
    }


def test_a_debug_session_logs_no_secret(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path, root_log: io.StringIO
) -> None:
    settings = settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "logged.sqlite3",
        host="127.0.0.1",
        port=free_port(),
        log_level="DEBUG",
        redmine_webhook_secret=WEBHOOK_SECRET,
        secret_key=APP_SECRET_KEY,
        poll_interval=1.0,
    )
    configure_logging(settings.log_level, secrets_of(settings), stream=root_log)
    server = uvicorn.Server(
        server_config(create_app(settings, register_all, background=poller_jobs), settings)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    personal_key = redmine_seed.users["erin"].api_key
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
        url = f"http://127.0.0.1:{settings.port}"
        with httpx.Client(timeout=30.0) as http:
            service = RunningService(url, fake_slack, redmine_seed, http)
            issue = rm.create_issue(redmine_seed, subject=f"Logged {uuid.uuid4().hex[:6]}")
            service.command(f"show {issue['id']}")
            service.command(f"note {issue['id']} cc <@UBOB>")
            service.command("subscribe alpha")
            fake_slack.wait_for("response_url", count=3)

            service.command("connect", user="USTRANGER")
            fake_slack.wait_for("views.open")
            answer = service.interaction(_connect_submission(personal_key))
            assert answer.json()["response_action"] == "update"
            service.command("whoami", user="USTRANGER")  # acts with the personal key
            fake_slack.wait_for("response_url", count=4)
            # The same form with a broken signature: bolt logs the body it refuses.
            forged = service.post(
                interaction_body(_connect_submission(personal_key)),
                headers={
                    "X-Slack-Request-Timestamp": str(int(time.time())),
                    "X-Slack-Signature": "v0=" + "0" * 64,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            assert forged.status_code == 401

            title = f"Notified {uuid.uuid4().hex[:6]}"
            changed = rm.create_issue(redmine_seed, as_login="bob", subject=title)
            hook = http.post(
                f"{url}/webhooks/redmine?token={WEBHOOK_SECRET}",
                json={"payload": {"action": "opened", "issue": {"id": changed["id"]}}},
            )
            assert hook.status_code == 202
            fake_slack.wait_for(
                "chat.postMessage", lambda c: title in json.dumps(c.args), timeout=30
            )
    finally:
        server.should_exit = True
        thread.join(timeout=15)

    written = root_log.getvalue()
    # The run was logged at DEBUG, by our code and the libraries alike.
    for logger_name in ("uvicorn.access", "httpx", "httpcore", "slack_bolt", "slack_sdk"):
        assert f" {logger_name}" in written, logger_name
    assert "/webhooks/redmine?***" in written
    secrets = {
        "bot token": settings.slack_bot_token.get_secret_value(),
        "signing secret": settings.slack_signing_secret.get_secret_value()  # type: ignore[union-attr]
        if settings.slack_signing_secret
        else "",
        "Redmine admin key": redmine_seed.admin_key,
        "personal API key": personal_key,
        "webhook secret": WEBHOOK_SECRET,
        "SECRET_KEY": APP_SECRET_KEY,
    }
    leaks = {name: written.count(value) for name, value in secrets.items() if value in written}
    if leaks:  # show where, to fix the filter rather than guess
        lines = [line for line in written.splitlines() if any(v in line for v in secrets.values())]
        pytest.fail(f"secrets in the log: {leaks}\n" + "\n".join(lines)[:4000])
    assert all(secrets.values())
