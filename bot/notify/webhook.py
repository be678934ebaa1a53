"""`POST /webhooks/redmine`: a nudge from a Redmine webhook plugin to re-fetch an issue now.

The payload is never trusted: only the issue id is read from it, and the issue is then
fetched from Redmine and delivered through the poller's pipeline (exactly once, whoever
sees a change first). The secret comes as `?token=` (plugins can only be given a URL) or
`Authorization: Bearer`, compared in constant time.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.webhookqueue import WebhookQueue

MAX_BODY = 1024 * 1024


def _presented_secret(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.query_params.get("token", "")


def issue_id_from(payload: Any) -> int | None:
    """The issue id in the shapes Redmine webhook plugins post."""
    if not isinstance(payload, dict):
        return None
    nested = payload.get("payload")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else payload
    issue = inner.get("issue")
    candidate = issue.get("id") if isinstance(issue, dict) else inner.get("issue_id")
    if isinstance(candidate, bool):
        return None
    if isinstance(candidate, int) and candidate > 0:
        return candidate
    if isinstance(candidate, str) and candidate.isdigit():
        return int(candidate)
    return None


def make_endpoint(secret: str, queue: WebhookQueue) -> Any:
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        if not hmac.compare_digest(_presented_secret(request).encode(), expected):
            return JSONResponse({"error": "bad or missing token"}, status_code=401)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        issue_id = issue_id_from(payload)
        if issue_id is None:
            return JSONResponse({"error": "no issue id in the payload"}, status_code=400)
        queue.put(issue_id)
        return JSONResponse({"queued": issue_id}, status_code=202)

    return receive
