"""Redmine 7's signed webhooks at `POST /webhooks/redmine`, through an ASGI client.

The bodies are written by hand after Redmine's own code and tests:
- redmine/redmine app/models/webhook_payload.rb: `{"type": "<kind>.<action>", "timestamp":
  <iso8601>, "data": {"issue": <issues/show.api.rsb>, "journal": {id, created_on, notes,
  user: {id, name}, details: [{property, prop_key, old_value, value}]}}}`; the journal only
  on `issue.updated`, other kinds (`wiki_page`, `time_entry`, `news`, `version`) carry
  their own object under `data`.
- redmine/redmine test/unit/webhook_payload_test.rb: `issue.updated` carries the journal
  and the new subject, `issue.deleted` no journal.
- redmine/redmine app/models/webhook.rb, `Executor#compute_signature`: the header
  `X-Redmine-Signature-256` is `"sha256=" + hex HMAC-SHA256(secret, raw body)`, sent only
  when the webhook has a secret, with `content-type: application/json`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from bot.notify.webhook import (
    MAX_BODY,
    RedmineEvent,
    make_endpoint,
    redmine7_event,
    signature_for,
    signature_is_valid,
)
from bot.notify.webhook_queue import WebhookQueue

SECRET = "redmine7-webhook-secret"

ISSUE_UPDATED: dict[str, Any] = {
    "type": "issue.updated",
    "timestamp": "2026-11-23T21:04:05Z",
    "data": {
        "issue": {
            "id": 42,
            "project": {"id": 1, "name": "Alpha"},
            "tracker": {"id": 1, "name": "Bug"},
            "status": {"id": 2, "name": "In Progress", "is_closed": False},
            "subject": "new subject",
            "is_private": False,
        },
        "journal": {
            "id": 1207,
            "created_on": "2026-11-23T21:04:05Z",
            "notes": "looking at it",
            "user": {"id": 3, "name": "Dave Lopper"},
            "details": [
                {
                    "property": "attr",
                    "prop_key": "subject",
                    "old_value": "old",
                    "value": "new subject",
                }
            ],
        },
    },
}
WIKI_PAGE_CREATED: dict[str, Any] = {
    "type": "wiki_page.created",
    "timestamp": "2026-11-23T21:05:00Z",
    "data": {"wiki_page": {"title": "Start", "version": 1, "text": "h1. Start"}},
}


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Redmine-Signature-256": signature_for(secret.encode(), body)}


async def post(
    body: bytes, headers: dict[str, str], path: str = "/hook"
) -> tuple[httpx.Response, list[int]]:
    queue = WebhookQueue()
    app = Starlette(routes=[Route("/hook", make_endpoint(SECRET, queue), methods=["POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        answer = await http.post(
            path, content=body, headers={"Content-Type": "application/json", **headers}
        )
    return answer, queue.take_waiting()


def test_signature_is_redmines_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"type":"issue.created"}'
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_for(SECRET.encode(), body) == expected
    assert signature_is_valid(SECRET.encode(), body, expected)
    assert not signature_is_valid(SECRET.encode(), body + b" ", expected)
    assert not signature_is_valid(SECRET.encode(), body, expected.upper())
    assert not signature_is_valid(SECRET.encode(), body, None)
    assert not signature_is_valid(SECRET.encode(), body, "")


@pytest.mark.parametrize(
    ("payload", "event"),
    [
        (ISSUE_UPDATED, RedmineEvent("issue", "updated", 42)),
        (WIKI_PAGE_CREATED, RedmineEvent("wiki_page", "created", None)),
        (
            {"type": "issue.deleted", "data": {"issue": {"id": "7"}}},
            RedmineEvent("issue", "deleted", 7),
        ),
        (
            {"type": "issue.created", "data": {"issue": {"id": True}}},
            RedmineEvent("issue", "created", None),
        ),
        ({"payload": {"issue": {"id": 5}}}, None),
        ({"type": "issue.updated"}, None),
        ({"type": 3, "data": {}}, None),
        ([], None),
    ],
)
def test_redmine7_event_reads_only_the_kind_action_and_issue_id(
    payload: object, event: RedmineEvent | None
) -> None:
    assert redmine7_event(payload) == event


async def test_a_signed_issue_event_is_queued_without_a_token() -> None:
    body = json.dumps(ISSUE_UPDATED).encode()
    answer, queued = await post(body, signed(body))
    assert (answer.status_code, answer.json(), queued) == (202, {"queued": 42}, [42])


@pytest.mark.parametrize("action", ["created", "updated"])
async def test_issue_created_and_updated_are_both_queued(action: str) -> None:
    body = json.dumps({**ISSUE_UPDATED, "type": f"issue.{action}"}).encode()
    answer, queued = await post(body, signed(body))
    assert answer.status_code == 202 and queued == [42]


async def test_other_redmine7_events_are_acknowledged_and_ignored() -> None:
    for payload in (WIKI_PAGE_CREATED, {"type": "issue.deleted", "data": {"issue": {"id": 9}}}):
        body = json.dumps(payload).encode()
        answer, queued = await post(body, signed(body))
        assert answer.status_code == 202 and answer.json() == {"ignored": payload["type"]}
        assert queued == []


@pytest.mark.parametrize(
    "headers",
    [
        {},  # Redmine sends no header when the webhook has no secret
        {"X-Redmine-Signature-256": "sha256=" + "0" * 64},
        {"X-Redmine-Signature-256": "deadbeef"},
    ],
    ids=["missing", "forged", "malformed"],
)
async def test_unsigned_or_forged_redmine7_bodies_get_401(headers: dict[str, str]) -> None:
    body = json.dumps(ISSUE_UPDATED).encode()
    answer, queued = await post(body, headers)
    assert answer.status_code == 401 and queued == []


async def test_a_token_does_not_stand_in_for_a_redmine7_signature() -> None:
    body = json.dumps(ISSUE_UPDATED).encode()
    answer, queued = await post(body, {}, path=f"/hook?token={SECRET}")
    assert answer.status_code == 401 and "X-Redmine-Signature-256".lower() in answer.text
    assert queued == []


async def test_a_signature_with_another_secret_is_refused() -> None:
    body = json.dumps(ISSUE_UPDATED).encode()
    answer, queued = await post(body, signed(body, secret="someone-elses"))
    assert answer.status_code == 401 and queued == []


async def test_a_signature_over_other_bytes_is_refused() -> None:
    body = json.dumps(ISSUE_UPDATED).encode()
    tampered = body.replace(b'"id": 42', b'"id": 43')
    answer, queued = await post(tampered, signed(body))
    assert answer.status_code == 401 and queued == []


async def test_signed_issue_event_without_an_issue_id_is_a_400() -> None:
    body = json.dumps({"type": "issue.updated", "data": {"issue": {}}}).encode()
    answer, queued = await post(body, signed(body))
    assert answer.status_code == 400 and queued == []


async def test_the_plugin_shape_still_works_with_a_token() -> None:
    body = json.dumps({"payload": {"action": "updated", "issue": {"id": 5}}}).encode()
    answer, queued = await post(body, {}, path=f"/hook?token={SECRET}")
    assert answer.status_code == 202 and queued == [5]


async def test_bodies_past_the_limit_are_refused_before_the_signature() -> None:
    body = (
        b'{"type": "issue.updated", "data": {"issue": {"id": 1}}, "pad": "'
        + b"x" * MAX_BODY
        + b'"}'
    )
    answer, queued = await post(body, signed(body))
    assert answer.status_code == 413 and queued == []
