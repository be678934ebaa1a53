"""The door for Slack's HTTP requests: size, then signature and timestamp, then the parse.

Nothing here trusts the body before the signature says Slack sent it, and nothing here
raises on any input: every refusal is a `Refusal` with a status and a short sentence.
Only a verified body is parsed, by our own parser (never Bolt's, which parses first and
can fail on bodies like `payload=[]`).

Slack signs `v0:{timestamp}:{body}` with HMAC-SHA256 and the app's signing secret, and
the timestamp must be within five minutes (https://docs.slack.dev/authentication/
verifying-requests-from-slack/; slack_sdk.signature.SignatureVerifier does the same).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

# Slack's largest bodies are view submissions of big modals (100 blocks of state) and
# events carrying a message; a few hundred kB is far above either. Anything larger is
# refused before a byte of it is looked at.
MAX_BODY_BYTES = 512 * 1024
# Past this nesting the body is not Slack's: Slack's payloads nest a dozen levels.
MAX_DEPTH = 64
FIVE_MINUTES = 5 * 60
SIGNATURE_VERSION = "v0"


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


@dataclass(frozen=True)
class Verified:
    """A request Slack signed: the parsed body and the key that names it for replays."""

    body: dict[str, Any]
    timestamp: int
    signature: str


def too_large(content_length: str | None) -> Refusal | None:
    """Checked from the header before reading the body, then again on the bytes read."""
    if content_length is None:
        return None
    if not content_length.isascii() or not content_length.isdigit():
        return Refusal(400, "bad Content-Length")
    if len(content_length) > 12 or int(content_length) > MAX_BODY_BYTES:
        return Refusal(413, "request body too large")
    return None


def parse_timestamp(text: str | None, now: float) -> int | None:
    """The request timestamp if it is an integer within five minutes of now."""
    # ASCII digits only: "²".isdigit() is True but int("²") fails.
    if not text or len(text) > 12 or not text.isascii() or not text.isdigit():
        return None
    timestamp = int(text)
    return timestamp if abs(now - timestamp) <= FIVE_MINUTES else None


def signature_matches(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    expected = f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def verify(
    secret: str | None,
    headers: dict[str, str],
    body: bytes,
    *,
    now: float | None = None,
) -> Verified | Refusal:
    """Size, then signature and timestamp, then the parse: only a signed body is parsed."""
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, "request body too large")
    if secret is None:  # Socket Mode only: nothing may come in over HTTP
        return Refusal(401, "this app takes no Slack requests over HTTP")
    timestamp = parse_timestamp(headers.get("x-slack-request-timestamp"), now or time.time())
    signature = headers.get("x-slack-signature") or ""
    if timestamp is None:
        return Refusal(401, "missing, malformed or stale request timestamp")
    if len(signature) > 100 or not signature_matches(secret, timestamp, body, signature):
        return Refusal(401, "invalid request signature")
    parsed = parse_body(body, headers.get("content-type"))
    if isinstance(parsed, Refusal):
        return parsed
    return Verified(parsed, timestamp, signature)


NOT_A_SLACK_BODY = Refusal(400, "not a Slack request body")


def parse_body(body: bytes, content_type: str | None) -> dict[str, Any] | Refusal:
    """A JSON object (events) or a form (commands; interactions carry JSON in `payload`)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_A_SLACK_BODY
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == "application/json":
        return _json_object(text)
    if media_type != "application/x-www-form-urlencoded":
        return NOT_A_SLACK_BODY
    try:
        form = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
    except ValueError:
        return NOT_A_SLACK_BODY
    if "payload" in form:
        return _json_object(form["payload"])
    return form


def _json_object(text: str) -> dict[str, Any] | Refusal:
    if not text.lstrip().startswith("{") or _too_deep(text):
        return NOT_A_SLACK_BODY
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return NOT_A_SLACK_BODY
    return data if isinstance(data, dict) else NOT_A_SLACK_BODY


def _too_deep(text: str) -> bool:
    """Whether brackets nest past MAX_DEPTH, counted outside strings, before json.loads."""
    # Nesting never goes deeper than the brackets there are: counting them runs in C,
    # walking the text runs in Python (1 ms for a 10 kB body), and Slack's bodies hold
    # a few dozen brackets, so the walk is for the odd body only.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False
