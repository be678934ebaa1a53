"""`POST /webhooks/redmine`: a nudge from Redmine to re-fetch an issue now.

Two senders are understood:

- Redmine 7's own webhooks: a JSON body `{"type": "issue.updated", "timestamp": ...,
  "data": {"issue": {...}, "journal": {...}}}` signed with the webhook's secret in
  `X-Redmine-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` (redmine/redmine
  app/models/webhook.rb, `compute_signature`; the body is built by
  app/models/webhook_payload.rb). A valid signature is the whole authentication; a body
  that claims to be Redmine 7's without one is refused, whatever else is presented.
- Webhook plugins (suer/redmine_webhook: `{"payload": {"issue": {...}}}`), which can only
  be given a URL: the secret comes as `?token=` or `Authorization: Bearer`.

Secrets and signatures are compared in constant time. The payload is never trusted: only
the issue id is read from it (Redmine 7's journal carries no private flag), and the issue
is fetched again and delivered through the poller's pipeline, exactly once whoever sees a
change first. Redmine 7 events about other things (wiki pages, time entries, news,
versions) are acknowledged and ignored: answering them with an error would only make
Redmine log failures.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.notify.webhook_queue import WebhookQueue

MAX_BODY = 1024 * 1024
SIGNATURE_HEADER = "x-redmine-signature-256"
SIGNATURE_PREFIX = "sha256="
# Redmine 7 re-renders a deleted issue from memory: there is nothing left to fetch.
UNFETCHABLE_ACTIONS = frozenset({"deleted"})


@dataclass(frozen=True)
class RedmineEvent:
    """What a Redmine 7 webhook body says happened: `issue.updated` -> ("issue", "updated")."""

    kind: str
    action: str
    issue_id: int | None


def _presented_secret(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.query_params.get("token", "")


def signature_for(secret: bytes, body: bytes) -> str:
    """The header value Redmine 7 sends for `body` signed with `secret`."""
    return SIGNATURE_PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: bytes, body: bytes, presented: str | None) -> bool:
    if not presented:
        return False
    return hmac.compare_digest(presented.strip().encode(), signature_for(secret, body).encode())


def _positive_id(candidate: object) -> int | None:
    if isinstance(candidate, bool):
        return None
    if isinstance(candidate, int) and candidate > 0:
        return candidate
    if isinstance(candidate, str) and candidate.isdigit() and int(candidate) > 0:
        return int(candidate)
    return None


def redmine7_event(payload: Any) -> RedmineEvent | None:
    """The event in a Redmine 7 body, or None when the body is not shaped like one.

    Redmine 7 always sends a top-level `type` ("<kind>.<action>") and a `data` object.
    """
    if not isinstance(payload, dict):
        return None
    event_type, data = payload.get("type"), payload.get("data")
    if not isinstance(event_type, str) or not isinstance(data, dict):
        return None
    kind, _, action = event_type.partition(".")
    issue = data.get("issue") if kind == "issue" else None
    issue_id = _positive_id(issue.get("id")) if isinstance(issue, dict) else None
    return RedmineEvent(kind=kind, action=action, issue_id=issue_id)


def issue_id_from(payload: Any) -> int | None:
    """The issue id in the shapes Redmine webhook plugins post."""
    if not isinstance(payload, dict):
        return None
    nested = payload.get("payload")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else payload
    issue = inner.get("issue")
    return _positive_id(issue.get("id") if isinstance(issue, dict) else inner.get("issue_id"))


def _redmine7_answer(event: RedmineEvent, queue: WebhookQueue) -> Response:
    if event.kind != "issue" or event.action in UNFETCHABLE_ACTIONS:
        return JSONResponse({"ignored": f"{event.kind}.{event.action}"}, status_code=202)
    if event.issue_id is None:
        return JSONResponse({"error": "no issue id in data.issue"}, status_code=400)
    queue.put(event.issue_id)
    return JSONResponse({"queued": event.issue_id}, status_code=202)


async def _body_within_limit(request: Request) -> bytes | None:
    """The raw body (the signature covers its exact bytes), or None past MAX_BODY.

    Read in chunks and cut off early: the signature can only be checked once the whole
    body is in, so an unauthenticated sender must not be able to make us hold more.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def make_endpoint(secret: str, queue: WebhookQueue) -> Any:
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        body = await _body_within_limit(request)
        if body is None:
            return JSONResponse({"error": "body too large"}, status_code=413)
        signed = signature_is_valid(expected, body, request.headers.get(SIGNATURE_HEADER))
        token_ok = hmac.compare_digest(_presented_secret(request).encode(), expected)
        if not (signed or token_ok):
            return JSONResponse({"error": "bad or missing signature or token"}, status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        event = redmine7_event(payload)
        if event is not None:
            if not signed:
                return JSONResponse(
                    {"error": f"a Redmine webhook needs a valid {SIGNATURE_HEADER} header"},
                    status_code=401,
                )
            return _redmine7_answer(event, queue)
        issue_id = issue_id_from(payload)
        if issue_id is None:
            return JSONResponse({"error": "no issue id in the payload"}, status_code=400)
        queue.put(issue_id)
        return JSONResponse({"queued": issue_id}, status_code=202)

    return receive
