"""Posting to Slack at Slack's pace, with retries, and the errors that pause a subscription."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics
from bot.notify.deadlines import Deadlines
from bot.notify.failures import ChannelUnavailable, DeadlinePassed, DeliveryFailed
from bot.notify.once import CLOCK_SLACK, PendingPosts, marker
from bot.slack.web.errors import error_code, header_of, status_of
from bot.slack.web.pace import SlackRateLimits, retry_after_seconds

log = logging.getLogger(__name__)

__all__ = ["ChannelUnavailable", "DeadlinePassed", "DeliveryFailed", "Posted", "SlackDelivery"]

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
        deadlines: Deadlines | None = None,
        pending: PendingPosts | None = None,
        on_answer: Callable[[], None] | None = None,
    ) -> None:
        self._slack = slack
        # Told whenever Slack answers, a 429 included: a notifier waiting out Slack's
        # Retry-After is alive (the watchdog's and /readyz's sign of life).
        self._on_answer = on_answer
        # With `pending`, a post given a key is recorded before it goes out and looked up
        # in Slack before it goes out again (bot.notify.once): exactly once across a kill.
        self._pending = pending
        self._metrics = metrics or Metrics()  # a private registry when nobody reads it
        self._deadlines = deadlines or Deadlines(self._metrics)
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
        key: str | None = None,
    ) -> Posted:
        """Post one message. `key` names it for good (the same message, the same key, in
        every attempt and every process): the caller marks it done with
        PendingPostRepository.done in the transaction that records the delivery."""
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        await self._deadlines.run("lock", f"the turn to post in {channel_id}", lock.acquire())
        try:
            if key and self._pending is not None:
                found = await self._pending.already_posted(key, channel_id, thread_ts)
                if found:
                    return Posted(found)
            wait = max(
                self._next_at.get(channel_id, 0.0) - self._clock(),
                self._limits.remaining(POST_MESSAGE, channel_id),
            )
            if wait > 0:
                await self._deadlines.run("pacing", f"the pace of {channel_id}", self._sleep(wait))
            try:
                posted = await self._post_with_retries(
                    channel_id, text, blocks, thread_ts, broadcast, key
                )
            except (DeliveryFailed, ChannelUnavailable):
                self._metrics.messages_failed.inc()
                raise
            else:
                self._metrics.messages_posted.inc()
                return posted
            finally:
                self._next_at[channel_id] = self._clock() + self._pace
        finally:
            lock.release()

    async def _post_with_retries(
        self,
        channel_id: str,
        text: str,
        blocks: list[dict[str, Any]],
        thread_ts: str | None,
        broadcast: bool,
        key: str | None = None,
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
        if key:
            arguments["metadata"] = marker(key)
        uncertain_since: float | None = None  # an attempt whose answer never came
        for attempt in range(1, self._max_attempts + 1):
            if uncertain_since is not None and key and self._pending is not None:
                found = await self._pending.look_up(key, channel_id, thread_ts, uncertain_since)
                if found:
                    return Posted(found)
            try:
                answer = await self._deadlines.run(
                    "slack",
                    f"Slack's {POST_MESSAGE} to {channel_id}",
                    self._slack.chat_postMessage(**arguments),
                )
                self._answered()
                return Posted(str(answer["ts"]))
            except SlackApiError as error:
                self._answered()
                code, status = error_code(error), status_of(error)
                if code in CHANNEL_GONE:
                    raise ChannelUnavailable(channel_id, code) from None
                if status == 429 or code == "ratelimited":
                    seconds = retry_after_seconds(header_of(error, "retry-after"))
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
                    raise DeliveryFailed(f"Slack refused the message: {code or status}") from None
            except (
                OSError,
                TimeoutError,
            ) as error:  # network trouble: aiohttp raises OSError kinds
                delay = random.uniform(0, self._backoff * 2**attempt)
                log.info("posting to %s failed (%s); retrying", channel_id, type(error).__name__)
                # Slack may have taken it all the same: look before the next attempt.
                if uncertain_since is None:
                    uncertain_since = time.time() - CLOCK_SLACK.total_seconds()
            if attempt < self._max_attempts:
                self._metrics.messages_retried.inc()
                await self._deadlines.run("pacing", f"a retry to {channel_id}", self._sleep(delay))
        raise DeliveryFailed(f"Slack did not take the message after {self._max_attempts} attempts")

    def _answered(self) -> None:
        if self._on_answer is not None:
            self._on_answer()
