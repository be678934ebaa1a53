"""Every Slack Web API call the service makes waits out a 429's Retry-After, to the second.

Slack answers a call over its limit with HTTP 429 and a `Retry-After` header holding
the seconds to wait (https://api.slack.com/docs/rate-limits, "Responding to rate
limiting conditions"); limits are per method, and chat.postMessage's per channel.
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.app import create_slack_client
from bot.notify.delivery import SlackDelivery
from bot.slack.web.pace import SlackRateLimits
from tests.integration.slack_harness import settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack


async def test_a_429_is_waited_out_exactly_and_remembered(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(redmine_seed, fake_slack, tmp_path / "unused.sqlite3")
    limits = SlackRateLimits()
    slack = create_slack_client(settings, limits)
    fake_slack.fail("users.info", "ratelimited", status=429, retry_after=2)
    started = time.monotonic()
    answer = await slack.users_info(user="UBOB")
    waited = time.monotonic() - started
    assert answer["user"]["id"] == "UBOB"
    assert 2.0 <= waited < 2.9  # what Slack asked, not Slack's SDK's extra random second
    assert len(fake_slack.of("users.info")) == 2

    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=3, times=2)
    started = time.monotonic()
    try:
        await slack.chat_postMessage(channel="CPUBLIC", text="hello")
    except Exception as error:  # the one retry was refused too: the caller hears of it
        assert "ratelimited" in str(error)
    assert time.monotonic() - started >= 3.0
    # Remembered for the method. slack_sdk does not show a retry handler a JSON body, so
    # the channel is unknown here and the wait holds workspace-wide, as Slack's limits
    # are "per API method per app per workspace"; delivery adds the channel itself.
    assert 2.0 < limits.remaining("chat.postMessage", "CPUBLIC") <= 3.0
    assert limits.remaining("users.info") == 0.0


async def test_a_429_whose_body_is_no_json_is_waited_out_like_any_other(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """slack_sdk raises a SlackApiError holding aiohttp's ClientResponse when the body is
    no JSON (slack_sdk/web/async_internal_utils.py); reading it as Slack's answer raised
    AttributeError, which ended the poller's loop unseen: the silent stall of issue 22."""
    settings = settings_for(redmine_seed, fake_slack, tmp_path / "unused.sqlite3")
    limits = SlackRateLimits()
    delivery = SlackDelivery(create_slack_client(settings, limits), limits=limits, pace=0.0)
    fake_slack.fail(
        "chat.postMessage", "ratelimited", status=429, retry_after=1, times=3, body="Too many"
    )
    started = time.monotonic()
    posted = await delivery.post("CPUBLIC", "after the storm", [])
    assert time.monotonic() - started >= 1.0  # the Retry-After was honoured
    assert [m["ts"] for m in fake_slack.messages_in("CPUBLIC")] == [posted.ts]
