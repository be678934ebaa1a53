"""Nothing the notifier awaits can hang it: deadlines per await, a watchdog per cycle,
and a loop that outlives any failure of one cycle."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.config import Settings
from bot.metrics import Metrics
from bot.notify.deadlines import Deadlines, DeadlineTable
from bot.notify.delivery import DeadlinePassed, DeliveryFailed, SlackDelivery
from bot.notify.health import NotifierHealth
from bot.notify.poller import CycleReport, Poller
from bot.notify.watchdog import Overran, watched
from bot.notify.webhook_queue import WebhookQueue
from bot.slack.web.pace import SlackRateLimits

QUICK = DeadlineTable(
    slack=0.05, redmine=0.05, listing=0.05, lease=0.05, lock=0.05, pacing=0.05, send=0.05
)


async def forever() -> None:
    await asyncio.Event().wait()


async def test_a_deadline_that_passes_is_logged_once_counted_and_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    metrics = Metrics()
    deadlines = Deadlines(metrics, QUICK)
    with caplog.at_level(logging.WARNING), pytest.raises(DeadlinePassed) as raised:
        await deadlines.run("slack", "Slack's chat.postMessage to C1", forever())
    assert isinstance(raised.value, DeliveryFailed)  # left for the next cycle
    assert raised.value.waited_on == "slack"
    assert [r.getMessage() for r in caplog.records] == [
        "gave up waiting on Slack's chat.postMessage to C1 after 0 s; left for the next cycle"
    ]
    assert metrics.value("redmine_slack_deadlines_passed_total", waited_on="slack") == 1.0


async def test_the_works_own_timeout_is_not_taken_for_the_deadline() -> None:
    async def own_timeout() -> None:
        raise TimeoutError

    deadlines = Deadlines(Metrics(), DeadlineTable())
    with pytest.raises(TimeoutError):
        await deadlines.run("slack", "a call", own_timeout())


async def test_a_slack_call_that_never_answers_fails_the_post_and_frees_the_channel() -> None:
    class SilentSlack:
        calls = 0

        async def chat_postMessage(self, **_: Any) -> dict[str, Any]:
            self.calls += 1
            if self.calls == 1:
                await forever()
            return {"ok": True, "ts": "2.000100"}

    slack = SilentSlack()
    delivery = SlackDelivery(slack, pace=0.0, deadlines=Deadlines(Metrics(), QUICK))  # type: ignore[arg-type]
    with pytest.raises(DeadlinePassed):
        await delivery.post("C1", "hello", [])
    assert slack.calls == 1  # an unanswered post is not sent again blindly
    assert (await delivery.post("C1", "hello again", [])).ts == "2.000100"  # lock released


async def test_the_watchdog_cancels_work_past_its_bound_and_cleans_up() -> None:
    cleaned = asyncio.Event()

    async def stuck() -> None:
        try:
            await forever()
        finally:
            cleaned.set()

    with pytest.raises(Overran):
        await watched(stuck(), "the poll cycle", lambda: 0.05, step=0.01)
    assert cleaned.is_set()


async def test_the_watchdog_honours_a_bound_that_grows_while_the_work_runs() -> None:
    bound = [0.05]

    async def slow() -> str:
        bound[0] = 10.0  # e.g. Slack asked for a long Retry-After meanwhile
        await asyncio.sleep(0.2)
        return "done"

    assert await watched(slow(), "the poll cycle", lambda: bound[0], step=0.01) == "done"


def test_the_longest_retry_after_counts_while_it_runs() -> None:
    now = [100.0]
    limits = SlackRateLimits(clock=lambda: now[0])
    assert limits.longest_since(100.0) == 0.0
    limits.hold("chat.postMessage", "C1", 30.0)
    now[0] = 110.0
    assert limits.longest_since(105.0) == 30.0  # asked before, still being waited out
    now[0] = 200.0
    assert limits.longest_since(190.0) == 0.0


def test_health_says_stalled_only_for_the_lease_holder_past_the_bound() -> None:
    now = [0.0]
    health = NotifierHealth(clock=lambda: now[0])
    assert health.stalled() is None  # no poller here
    health.watching(lambda: 30.0)
    health.took_lease()
    now[0] = 31.0
    assert health.stalled() == "stalled: no poll cycle moved or finished for 31 s (bound 30 s)"
    health.finished(held=True)
    assert health.stalled() is None
    now[0] = 100.0
    health.finished(held=False)  # another worker delivers: not ours to report
    now[0] = 200.0
    assert health.stalled() is None


def _poller(poll_interval: float) -> Poller:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="s",
        redmine_url="https://redmine.example.test",
        redmine_api_key="k",
        poll_interval=poll_interval,
    )
    return Poller(
        settings=settings,
        redmine=None,  # type: ignore[arg-type]  # run_cycle is replaced below
        slack=None,  # type: ignore[arg-type]
        sessions=None,  # type: ignore[arg-type]
        queue=WebhookQueue(),
        slack_limits=SlackRateLimits(),
    )


async def test_a_cycle_failing_in_a_way_no_one_expected_does_not_end_the_notifier(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What once stopped the notifier for good: any error but a RedmineError ended
    run_forever's task, which nobody awaited until shutdown, so nothing was logged."""
    poller = _poller(0.01)
    cycles: list[str] = []

    async def run_cycle() -> CycleReport:
        cycles.append("cycle")
        if len(cycles) <= 2:
            raise RuntimeError("database is locked")
        if len(cycles) == 4:
            raise asyncio.CancelledError  # stop the test's loop here
        return CycleReport()

    poller.run_cycle = run_cycle  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING), pytest.raises(asyncio.CancelledError):
        await poller.run_forever()
    assert len(cycles) == 4
    failures = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert len(failures) == 1  # once while it keeps failing, with its traceback
    assert failures[0].exc_info is not None
    assert not poller.health.running


async def test_a_hung_cycle_is_cancelled_counted_and_the_next_one_runs() -> None:
    poller = _poller(0.02)  # bound: 3 intervals
    cycles: list[str] = []

    async def run_cycle() -> CycleReport:
        cycles.append("cycle")
        if len(cycles) == 1:
            await forever()
        if len(cycles) == 3:
            raise asyncio.CancelledError
        return CycleReport()

    poller.run_cycle = run_cycle  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await poller.run_forever()
    assert len(cycles) == 3
    assert poller.metrics.value("redmine_slack_poll_cycles_cancelled_total") == 1.0


async def test_every_answer_from_slack_counts_as_a_sign_of_life_a_429_too() -> None:
    class StormySlack:
        calls = 0

        async def chat_postMessage(self, **_: Any) -> dict[str, Any]:
            self.calls += 1
            if self.calls == 1:
                response = AsyncSlackResponse(
                    client=None,
                    http_verb="POST",
                    api_url="https://slack.test/api/chat.postMessage",
                    req_args={},
                    data={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": "0"},
                    status_code=429,
                )
                raise SlackApiError("ratelimited", response)
            return {"ok": True, "ts": "3.000100"}

    answers: list[str] = []
    delivery = SlackDelivery(
        StormySlack(),  # type: ignore[arg-type]
        pace=0.0,
        on_answer=lambda: answers.append("answer"),
    )
    await delivery.post("C1", "hello", [])
    assert answers == ["answer", "answer"]  # the 429, then the post Slack took
