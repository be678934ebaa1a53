"""Slack's Retry-After in delivery: waited to the second, remembered per channel.

Slack answers a call over its limit with HTTP 429 and `Retry-After` in whole seconds,
and limits chat.postMessage per channel (https://api.slack.com/docs/rate-limits).
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.notify.delivery import DeliveryFailed, SlackDelivery
from bot.slack.web.pace import SlackRateLimits, retry_after_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RateLimitedSlack:
    """chat.postMessage answers 429 with Retry-After for the first `refusals` calls."""

    def __init__(self, refusals: int, retry_after: str = "5") -> None:
        self.refusals = refusals
        self.retry_after = retry_after
        self.posted: list[str] = []

    async def chat_postMessage(self, **arguments: Any) -> dict[str, Any]:
        self.posted.append(arguments["channel"])
        if self.refusals > 0:
            self.refusals -= 1
            # As slack_sdk builds it from Slack's answer: status 429, the header, the body.
            response = AsyncSlackResponse(
                client=None,
                http_verb="POST",
                api_url="https://slack.test/api/chat.postMessage",
                req_args={},
                data={"ok": False, "error": "ratelimited"},
                headers={"Retry-After": self.retry_after},
                status_code=429,
            )
            raise SlackApiError("ratelimited", response)
        return {"ok": True, "ts": f"{len(self.posted)}.000100"}


async def test_a_message_that_gave_up_leaves_the_wait_for_the_next_one() -> None:
    clock = Clock()
    slack = RateLimitedSlack(refusals=5)
    limits = SlackRateLimits(clock=clock, sleep=clock.sleep)
    delivery = SlackDelivery(
        slack,  # type: ignore[arg-type]
        pace=1.0,
        max_attempts=5,
        sleep=clock.sleep,
        clock=clock,
        limits=limits,
    )
    with pytest.raises(DeliveryFailed):
        await delivery.post("C1", "first", [])
    assert clock.sleeps == [5.0, 5.0, 5.0, 5.0]  # each wait exactly what Slack asked
    last_refusal = clock.now
    clock.sleeps.clear()
    await delivery.post("C1", "second", [])  # the next message, e.g. the next cycle
    assert clock.sleeps == [5.0] and clock.now - last_refusal == 5.0
    clock.sleeps.clear()
    await delivery.post("C2", "elsewhere", [])  # another channel was never limited
    assert clock.sleeps == []


async def test_the_wait_is_shared_by_every_delivery_of_the_process() -> None:
    clock = Clock()
    limits = SlackRateLimits(clock=clock, sleep=clock.sleep)
    limits.hold("chat.postMessage", "C1", 7)  # e.g. learnt by another call in this process
    delivery = SlackDelivery(
        RateLimitedSlack(refusals=0),  # type: ignore[arg-type]
        sleep=clock.sleep,
        clock=clock,
        limits=limits,
    )
    await delivery.post("C1", "text", [])
    assert clock.sleeps == [7.0]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 30 ", 30.0),
        ("0", 0.0),
        (None, 1.0),
        ("soon", 1.0),
        ("-3", 1.0),
        ("nan", 1.0),
        ("9999", 120.0),
    ],
)
def test_retry_after_values(value: object, seconds: float) -> None:
    assert retry_after_seconds(value) == seconds


def test_a_workspace_wide_limit_holds_every_conversation() -> None:
    clock = Clock()
    limits = SlackRateLimits(clock=clock, sleep=clock.sleep)
    limits.hold("users.info", None, 3)
    limits.hold("chat.postMessage", "C1", 5)
    assert limits.remaining("users.info") == 3.0
    assert limits.remaining("chat.postMessage", "C1") == 5.0
    assert limits.remaining("chat.postMessage", "C2") == 0.0
    assert limits.remaining("views.open") == 0.0
    clock.now += 5
    assert limits.remaining("chat.postMessage", "C1") == 0.0
