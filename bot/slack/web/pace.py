"""Slack's Retry-After, obeyed to the second and remembered per method and conversation.

Slack applies its limits "per API method per app per workspace", and chat.postMessage
also per channel (about one message a second); a refused call is answered HTTP 429 with
`Retry-After`: the whole seconds to wait before calling that method again
(https://api.slack.com/docs/rate-limits, "Responding to rate limiting conditions").
So a 429 is remembered for its method and, when the call named one, its conversation,
until that moment has passed: the next message to that channel, in this cycle or the
next, waits for it too instead of asking again a second later.

`SlackRateLimits` is that memory, one per process (Services.slack_limits).
`RetryAfterHandler` feeds it from every Web API call the service makes, Bolt's
listeners' included (Bolt copies the app client's retry handlers into each request's
client), and retries once after exactly the time Slack asked for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 120.0  # a longer wait than this is not waited out inside one request
DEFAULT_RETRY_AFTER = 1.0  # Slack always sends the header; this is only a fallback
WORKSPACE = ""  # the key for a limit that is not about one conversation
# A trigger_id is good for three seconds (api.slack.com/interactivity/handling): a call
# that spends one is retried only after a short wait, else it would only meet
# expired_trigger_id after keeping the person waiting; the listener answers instead.
TRIGGER_METHODS = frozenset({"views.open", "views.push"})
TRIGGER_RETRY_MAX = 1.0


def retry_after_seconds(value: object) -> float:
    """Slack's Retry-After (whole seconds) as a wait, capped; a missing or odd value: 1 s."""
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return DEFAULT_RETRY_AFTER
    if seconds != seconds or seconds < 0:  # NaN or negative
        return DEFAULT_RETRY_AFTER
    return min(seconds, RETRY_AFTER_CAP)


class SlackRateLimits:
    """Until when each (Web API method, conversation) must not be called again."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._not_before: dict[tuple[str, str], float] = {}
        self._longest: tuple[float, float] = (0.0, 0.0)  # (when set, seconds): the latest longest

    def hold(self, method: str, conversation: str | None, seconds: float) -> None:
        key = (method, conversation or WORKSPACE)
        now = self._clock()
        until = now + seconds
        self._not_before[key] = max(until, self._not_before.get(key, 0.0))
        if seconds >= self._longest[1] or now - self._longest[0] > self._longest[1]:
            self._longest = (now, seconds)
        log.info("Slack asked to wait %.0f s before the next %s (%s)", seconds, *key)

    def remaining(self, method: str, conversation: str | None = None) -> float:
        """Seconds to wait before calling `method` for `conversation` (0 when free)."""
        now = self._clock()
        keys = [(method, WORKSPACE), (method, conversation or WORKSPACE)]
        return max(0.0, *(self._not_before.get(key, now) - now for key in keys))

    def longest_since(self, moment: float) -> float:
        """The longest wait Slack asked for at or after `moment` (clock time), roughly: the
        longest still running or the latest one set; 0 when none was asked for since."""
        at, seconds = self._longest
        return seconds if at >= moment or at + seconds >= moment else 0.0

    async def wait(self, method: str, conversation: str | None = None) -> None:
        delay = self.remaining(method, conversation)
        if delay > 0:
            await self._sleep(delay)


def _method(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


def _conversation(request: HttpRequest) -> str | None:
    """The channel a call was about, from its form or JSON body. slack_sdk hands a retry
    handler the form and raw data but not a `json=` body (chat.postMessage's): then the
    wait is kept for the method, workspace-wide, as Slack's limits are applied."""
    params = dict(request.body_params or {})
    if not params and request.data:
        try:
            parsed = json.loads(request.data)
            params = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            params = {k: v[0] for k, v in parse_qs(request.data.decode(errors="replace")).items()}
    channel = params.get("channel") or params.get("channel_id")
    return channel if isinstance(channel, str) and channel else None


class RetryAfterHandler(AsyncRetryHandler):
    """On HTTP 429: remember the wait in `limits`, wait exactly that long, try once more."""

    def __init__(self, limits: SlackRateLimits, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.limits = limits

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        # Remembered also when no retry is left: the next call must wait all the same.
        headers = {k.lower(): v for k, v in response.headers.items()}
        value = headers.get("retry-after", [None])
        seconds = retry_after_seconds(value[0] if isinstance(value, list) else value)
        method = _method(request.url)
        self.limits.hold(method, _conversation(request), seconds)
        if method in TRIGGER_METHODS and seconds > TRIGGER_RETRY_MAX:
            return False
        return state.current_attempt < self.max_retry_count

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self.limits.wait(_method(request.url), _conversation(request))
        state.increment_current_attempt()
