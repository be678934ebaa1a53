"""Requests Slack did not sign never reach a handler; secrets never leave where they belong."""

from __future__ import annotations

import logging
import time

import pytest

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.support.fakeslack import BOT_TOKEN
from tests.support.signing import command_body, signed_headers


def _create_body(service: RunningService, subject: str) -> str:
    return command_body(f"create alpha {subject}", response_url=service.fake.response_url())


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Content-Type": "application/x-www-form-urlencoded"}, id="unsigned"),
        pytest.param("forged", id="forged"),
        pytest.param("stale", id="stale-6-minutes"),
    ],
)
def test_unsigned_forged_and_stale_requests_get_401_and_do_nothing(
    service: RunningService, headers: object
) -> None:
    before = rm.count_issues(service.seed)
    body = _create_body(service, "Never created")
    if headers == "forged":
        sent = signed_headers(body, secret="not-the-signing-secret")
    elif headers == "stale":
        sent = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    else:
        sent = dict(headers)  # type: ignore[call-overload]
    answer = service.post(body, headers=sent)
    assert answer.status_code == 401
    time.sleep(0.5)
    assert service.fake.calls == []
    assert rm.count_issues(service.seed) == before


def test_bot_token_only_goes_to_the_slack_api_host(service: RunningService) -> None:
    service.command("whoami", user="UALICE")
    service.wait_response()
    for call in service.fake.calls:
        assert call.token in (None, BOT_TOKEN)
    # The response_url post carries no token at all.
    assert all(c.token is None for c in service.fake.of("response_url"))


def test_no_secret_in_logs(service: RunningService, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    service.command("show 999999")
    service.wait_response()
    service.command("create alpha secret check", user="USTRANGER")
    service.wait_response(lambda a: "stranger" in a.get("text", ""))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert service.seed.admin_key not in logged
    assert BOT_TOKEN not in logged


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("not json at all", "application/json", id="json-that-is-not"),
        pytest.param("payload=%7Bbroken", "application/x-www-form-urlencoded", id="bad-payload"),
    ],
)
def test_unreadable_bodies_get_400_not_a_crash(
    service: RunningService, body: str, content_type: str
) -> None:
    signed = service.post(body, headers=signed_headers(body, content_type=content_type))
    unsigned = service.post(body, headers={"Content-Type": content_type})
    # Unsigned is refused before its body is read; signed is read and found not Slack's.
    assert (signed.status_code, unsigned.status_code) == (400, 401)
    assert signed.text == "not a Slack request body"
    time.sleep(0.3)
    assert service.fake.calls == []
