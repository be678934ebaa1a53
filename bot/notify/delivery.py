"""Posting to Slack at Slack's pace, with retries, and the errors that pause a subscription."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics
from bot.slack.web.pace import SlackRateLimits, retry_after_seconds

log = logging.getLogger(__name__)

# Slack errors that mean the channel can't take messages until a person acts.
CHANNEL_GONE = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "restricted_action",
        "team_access_not_granted",
    }
)
POST_MESSAGE = "chat.postMessage"


class ChannelUnavailable(Exception):
    def __init__(self, channel_id: str, error: str) -> None:
        super().__init__(f"{channel_id}: {error}")
        self.channel_id = channel_id
        self.error = error


class DeliveryFailed(Exception):
    """Slack did not take the message after retries; it stays undelivered for the next cycle."""


@dataclass(frozen=True)
class Posted:
    ts: str


class SlackDelivery:
    """Per channel, one message at a time, about `pace` seconds apart, and never before
    the moment a Slack 429 named for that channel (`limits`, shared by the process, so
    it holds across messages and cycles, also after a message gave up)."""

    def __init__(
        self,
        slack: AsyncWebClient,
        *,
        pace: float = 1.0,
        max_attempts: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        limits: SlackRateLimits | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._slack = slack
        self._metrics = metrics or Metrics()  # a private registry when nobody reads it
        self._limits = limits or SlackRateLimits(clock=clock, sleep=sleep)
        self._pace = pace
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._next_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def post(
        self,
        channel_id: str,
        text: str,
        blocks: list[dict[str, Any]],
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        async with lock:
            wait = max(
                self._next_at.get(channel_id, 0.0) - self._clock(),
                self._limits.remaining(POST_MESSAGE, channel_id),
            )
            if wait > 0:
                await self._sleep(wait)
            try:
                posted = await self._post_with_retries(
                    channel_id, text, blocks, thread_ts, broadcast
                )
            except (DeliveryFailed, ChannelUnavailable):
                self._metrics.messages_failed.inc()
                raise
            else:
                self._metrics.messages_posted.inc()
                return posted
            finally:
                self._next_at[channel_id] = self._clock() + self._pace

    async def _post_with_retries(
        self,
        channel_id: str,
        text: str,
        blocks: list[dict[str, Any]],
        thread_ts: str | None,
        broadcast: bool,
    ) -> Posted:
        arguments: dict[str, Any] = {
            "channel": channel_id,
            "text": text,
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            arguments["thread_ts"] = thread_ts
            if broadcast:
                arguments["reply_broadcast"] = True
        for attempt in range(1, self._max_attempts + 1):
            try:
                answer = await self._slack.chat_postMessage(**arguments)
                return Posted(str(answer["ts"]))
            except SlackApiError as error:
                code = str(error.response.get("error", ""))
                status = error.response.status_code
                if code in CHANNEL_GONE:
                    raise ChannelUnavailable(channel_id, code) from None
                if status == 429 or code == "ratelimited":
                    seconds = retry_after_seconds(_header(error.response.headers, "retry-after"))
                    self._limits.hold(POST_MESSAGE, channel_id, seconds)
                    delay = self._limits.remaining(POST_MESSAGE, channel_id)
                    self._metrics.rate_limited_waits.inc()
                elif status >= 500 or code in {
                    "internal_error",
                    "fatal_error",
                    "service_unavailable",
                }:
                    delay = random.uniform(0, self._backoff * 2**attempt)
                else:
                    raise DeliveryFailed(f"Slack refused the message: {code}") from None
            except (
                OSError,
                TimeoutError,
            ) as error:  # network trouble: aiohttp raises OSError kinds
                delay = random.uniform(0, self._backoff * 2**attempt)
                log.info("posting to %s failed (%s); retrying", channel_id, type(error).__name__)
            if attempt < self._max_attempts:
                self._metrics.messages_retried.inc()
                await self._sleep(delay)
        raise DeliveryFailed(f"Slack did not take the message after {self._max_attempts} attempts")


def _header(headers: Any, name: str) -> object:
    """A header from slack_sdk's response headers (aiohttp's mapping, or a dict of lists)."""
    if not isinstance(headers, Mapping):
        return None
    for key, value in headers.items():
        if str(key).lower() == name:
            return value[0] if isinstance(value, list) and value else value
    return None
