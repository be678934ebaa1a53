"""What a SlackApiError says, read without trusting its shape.

slack_sdk raises SlackApiError with a SlackResponse when Slack answered with JSON, but
with aiohttp's own ClientResponse when the body could not be read as JSON
(slack_sdk/web/async_internal_utils.py: `raise SlackApiError(message, res)` on a
JSONDecodeError), e.g. a 429 or a 5xx from a proxy or Slack's edge with a text body.
That response has no `.get` and no `.status_code`: reading it as a SlackResponse raised
AttributeError, out of delivery and, before the poller caught everything, out of the
poller's loop, which then ended unseen.
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.web.slack_response import SlackResponse


def error_code(error: SlackApiError) -> str:
    """Slack's `error` ("ratelimited", "channel_not_found"...), "" when the answer had none."""
    response = error.response
    if isinstance(response, AsyncSlackResponse | SlackResponse):
        response = response.data
    if isinstance(response, Mapping):  # Slack's JSON (or a dict standing in for it)
        return str(response.get("error") or "")
    return ""


def status_of(error: SlackApiError) -> int:
    """The HTTP status of Slack's answer (0 when unknown)."""
    response = error.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else 0


def header_of(error: SlackApiError, name: str) -> object:
    """A header of Slack's answer by its lower-case name (slack_sdk keeps aiohttp's mapping
    or a dict of lists), None without it."""
    headers = getattr(error.response, "headers", None)
    if not isinstance(headers, Mapping):
        return None
    for key, value in headers.items():
        if str(key).lower() == name:
            return value[0] if isinstance(value, list) and value else value
    return None
