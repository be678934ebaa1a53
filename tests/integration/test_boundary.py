"""The boundary over real HTTP: what is not Slack's costs a few bytes of log and does
nothing; a request Slack signed is taken once; a listener's failure still acks and tells.

Signing and retries as Slack documents them: https://docs.slack.dev/authentication/
verifying-requests-from-slack/ (v0 HMAC of "v0:{timestamp}:{body}", five minutes), and
the Events API's retries (https://docs.slack.dev/apis/events-api/#retries): the same
event, with an `X-Slack-Retry-Num` header, sent again when the first was not acked.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

import pytest

from bot.blocks import modals
from tests.fixtures import load
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.support.signing import command_body, interaction_body, signed_headers

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def log_bytes(caplog: pytest.LogCaptureFixture) -> int:
    """What the service wrote to its log (not the test's own HTTP client lines)."""
    return sum(
        len(record.getMessage()) + len(record.exc_text or "")
        for record in caplog.records
        if record.name != "httpx"
    )


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param("payload=[]", FORM, id="payload-list"),
        pytest.param("payload=null", FORM, id="payload-null"),
        pytest.param("payload=7", FORM, id="payload-number"),
        pytest.param("[1, 2, 3]", JSON, id="json-list"),
        pytest.param("[" * 100_000 + "]" * 100_000, JSON, id="nested-100000-deep"),
        pytest.param("x" * 1_000_000, FORM, id="one-megabyte"),
    ],
)
def test_unsigned_bodies_get_4xx_and_a_tiny_log_line(
    service: RunningService,
    caplog: pytest.LogCaptureFixture,
    body: str,
    headers: dict[str, str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = service.post(body, headers=headers)
    assert 400 <= answer.status_code < 500
    time.sleep(0.2)
    assert log_bytes(caplog) < 1024
    assert service.fake.calls == []


def test_a_connect_form_with_a_bad_signature_never_logs_the_key(
    service: RunningService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = service.seed.users["erin"].api_key
    payload = {
        "type": "view_submission",
        "user": {"id": "UERIN"},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": modals.CONNECT_VIEW,
            "state": {
                "values": {"api_key": {"api_key": {"type": "plain_text_input", "value": key}}}
            },
        },
    }
    body = interaction_body(payload)
    answer = service.post(body, headers=signed_headers(body, secret="not-the-secret"))
    assert answer.status_code == 401
    time.sleep(0.2)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert key not in logged
    assert log_bytes(caplog) < 1024


@pytest.mark.parametrize("timestamp", ["abc", "²", "1e9", "-5"])
def test_a_signed_request_with_a_timestamp_that_is_not_an_integer_is_401(
    service: RunningService, timestamp: str
) -> None:
    body = command_body("whoami", response_url=service.fake.response_url())
    headers: dict[str, Any] = signed_headers(body)
    headers["X-Slack-Request-Timestamp"] = timestamp.encode()  # HTTP headers are bytes
    assert service.post(body, headers=headers).status_code == 401


def test_a_replayed_create_makes_one_issue(service: RunningService) -> None:
    subject = f"Replayed {uuid.uuid4().hex[:8]}"
    body = command_body(f"create alpha {subject}", response_url=service.fake.response_url())
    headers = signed_headers(body)
    answers = [service.post(body, headers=headers).status_code for _ in range(3)]
    assert answers == [200, 401, 401]
    service.wait_response(lambda a: subject in json.dumps(a))
    time.sleep(1.0)
    assert len(rm.issues_with_subject(service.seed, subject)) == 1


def test_the_same_options_request_twice_is_answered_twice(service: RunningService) -> None:
    # Slack's block_suggestion carries no id of its own (bolt-python
    # tests/scenario_tests_async/test_block_suggestion.py): opening a select again in the
    # same second sends the same bytes with the same signature. It writes nothing.
    body = interaction_body(load("block_suggestion__issue_project"))
    headers = signed_headers(body)
    answers = [service.post(body, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert "options" in answers[0].json()


def _link_shared_body(service: RunningService, event_id: str) -> str:
    issue = rm.create_issue(service.seed, subject=f"Retried unfurl {uuid.uuid4().hex[:6]}")
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {
                "type": "link_shared",
                "channel": "CPUBLIC",
                "user": "UALICE",
                "message_ts": "1700000000.000009",
                "links": [
                    {"domain": "127.0.0.1", "url": f"{service.seed.url}/issues/{issue['id']}"}
                ],
            },
        }
    )


def test_slacks_retry_of_an_event_is_acked_and_not_processed_twice(
    service: RunningService,
) -> None:
    body = _link_shared_body(service, "Ev" + uuid.uuid4().hex[:10])
    first = service.post(body, headers=signed_headers(body, content_type="application/json"))
    assert first.status_code == 200
    service.fake.wait_for("chat.unfurl")
    # The retry is a new request: its own timestamp and signature, the same event_id.
    retry_headers = signed_headers(
        body, timestamp=int(time.time()) + 1, content_type="application/json"
    )
    retry_headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    retry = service.post(body, headers=retry_headers)
    assert retry.status_code == 200
    time.sleep(1.0)
    assert len(service.fake.of("chat.unfurl")) == 1


def test_a_listener_that_fails_after_its_ack_still_tells_the_person(
    service: RunningService,
) -> None:
    service.fake.fail("views.open", "internal_error")
    payload: dict[str, Any] = load("shortcut__global")
    payload["user"]["id"] = "UALICE"
    answer = service.interaction(payload)
    assert answer.status_code == 200
    told = service.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "UALICE")
    assert "Slack refused the request (internal_error)" in told[-1].args["text"]


def test_a_request_no_listener_takes_is_acked_not_404(service: RunningService) -> None:
    payload: dict[str, Any] = load("block_actions__issue_project")
    payload["actions"][0]["action_id"] = "a_button_from_an_older_version"
    assert service.interaction(payload).status_code == 200
    command = command_body("x", command="/not-ours", response_url=service.fake.response_url())
    answer = service.post(command)
    assert answer.status_code == 200
    assert "does not know that request" in answer.json()["text"]
