"""bot.metrics: each instrumented path drives its series, read back from the app's registry.

The Slack doubles follow what slack_sdk raises for a 429 (status 429, `Retry-After` in
whole seconds; https://api.slack.com/docs/rate-limits), as in tests/unit/notify/test_delivery.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import respx

from bot.metrics import Metrics, resource_kind
from bot.notify.delivery import DeliveryFailed, SlackDelivery
from bot.notify.poller import Poller
from bot.notify.webhook_queue import WebhookQueue
from bot.redmine import RedmineClient
from bot.redmine.errors import RedmineTimeout
from bot.slack.web.pace import SlackRateLimits
from bot.store import db
from tests.unit.notify.test_delivery import Clock, RateLimitedSlack

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"


def test_each_metrics_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.slack_requests.labels("200").inc()
    assert first.value("redmine_slack_slack_requests_total", status="200") == 1
    assert second.value("redmine_slack_slack_requests_total", status="200") == 0
    text = first.render().decode()
    for name in (
        "redmine_slack_slack_ack_seconds_bucket",
        "redmine_slack_redmine_request_seconds",
        "redmine_slack_poll_cycle_seconds_count",
        "redmine_slack_delivery_lag_seconds_count",
        'redmine_slack_slack_requests_total{status="200"} 1.0',
        "redmine_slack_journals_seen_total 0.0",
        "redmine_slack_messages_posted_total 0.0",
        "redmine_slack_rate_limited_waits_total 0.0",
    ):
        assert name in text


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/issues/42.json", "issues"),
        ("/issues.json", "issues"),
        ("/projects/secret-project/memberships.json", "projects"),
        ("users/current.json", "users"),
        ("/time_entries.json", "time_entries"),
        ("/uploads.json?filename=a", "uploads"),
        ("/42.json", "other"),
    ],
)
def test_resource_kind_never_carries_an_id_or_a_name(path: str, kind: str) -> None:
    assert resource_kind(path) == kind


@respx.mock
async def test_redmine_requests_are_timed_per_attempt_by_kind_and_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("bot.redmine.client.backoff_pause", no_sleep)
    metrics = Metrics()
    respx.get(f"{URL}/issues/42.json").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"issue": {"id": 42}})]
    )
    respx.get(f"{URL}/projects/hidden.json").mock(side_effect=httpx.ReadTimeout("slow"))
    client = RedmineClient(URL, KEY, max_retries=1, observe=metrics.observe_redmine)
    try:
        await client.as_user("alice").get("/issues/42.json")  # a view reports too
        with pytest.raises(RedmineTimeout):
            await client.get("/projects/hidden.json")
    finally:
        await client.aclose()

    def count(resource: str, outcome: str) -> float:
        return metrics.value(
            "redmine_slack_redmine_request_seconds_count",
            method="GET",
            resource=resource,
            outcome=outcome,
        )

    assert count("issues", "503") == 1
    assert count("issues", "200") == 1
    assert count("projects", "timeout") == 2  # first try and its one retry
    label_values = {
        value
        for family in metrics.registry.collect()
        for sample in family.samples
        for value in sample.labels.values()
    }
    assert label_values == {"GET", "issues", "projects", "503", "200", "timeout"} | {
        sample.labels["le"]
        for family in metrics.registry.collect()
        for sample in family.samples
        if "le" in sample.labels
    }  # no id, project name, login or key in any label


def delivery(slack: RateLimitedSlack, metrics: Metrics) -> SlackDelivery:
    clock = Clock()
    return SlackDelivery(
        slack,  # type: ignore[arg-type]
        pace=0.0,
        max_attempts=3,
        sleep=clock.sleep,
        clock=clock,
        limits=SlackRateLimits(clock=clock, sleep=clock.sleep),
        metrics=metrics,
    )


async def test_a_message_taken_after_rate_limits_counts_posted_retries_and_waits() -> None:
    metrics = Metrics()
    await delivery(RateLimitedSlack(refusals=2, retry_after="1"), metrics).post("C1", "hi", [])
    assert metrics.value("redmine_slack_messages_posted_total") == 1
    assert metrics.value("redmine_slack_messages_retried_total") == 2
    assert metrics.value("redmine_slack_rate_limited_waits_total") == 2
    assert metrics.value("redmine_slack_messages_failed_total") == 0


async def test_a_message_given_up_counts_as_failed() -> None:
    metrics = Metrics()
    with pytest.raises(DeliveryFailed):
        await delivery(RateLimitedSlack(refusals=3, retry_after="1"), metrics).post("C1", "x", [])
    assert metrics.value("redmine_slack_messages_failed_total") == 1
    assert metrics.value("redmine_slack_messages_posted_total") == 0
    assert metrics.value("redmine_slack_messages_retried_total") == 2  # 3 attempts
    assert metrics.value("redmine_slack_rate_limited_waits_total") == 3


class Lease:
    """The notification lease, held or not as the test says (bot.notify.lease's surface)."""

    def __init__(self, held: bool | Exception) -> None:
        self.held = held

    async def wait_for(self, seconds: float, step: float = 0.25) -> bool:
        if isinstance(self.held, Exception):
            raise self.held
        return self.held

    async def heartbeat(self) -> None:
        await asyncio.Event().wait()

    async def keep(self) -> bool:
        return True

    async def release(self) -> None:
        return None


async def test_poll_cycles_are_timed_and_counted_by_outcome(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'poll.sqlite3'}")
    try:
        await db.migrate(engine)
        metrics = Metrics()
        sessions = db.session_factory(engine)

        def poller(held: bool | Exception) -> Poller:
            return Poller(
                settings=None,  # type: ignore[arg-type]
                redmine=None,  # type: ignore[arg-type]
                slack=None,  # type: ignore[arg-type]
                sessions=sessions,
                queue=WebhookQueue(),
                slack_limits=SlackRateLimits(),
                metrics=metrics,
                lease=Lease(held),  # type: ignore[arg-type]
            )

        assert not (await poller(True).run_cycle()).skipped  # no subscription yet
        assert (await poller(False).run_cycle()).skipped  # another worker holds the lease
        with pytest.raises(RuntimeError):
            await poller(RuntimeError("database gone")).run_cycle()
        assert metrics.value("redmine_slack_poll_cycles_total", outcome="ok") == 1
        assert metrics.value("redmine_slack_poll_cycles_total", outcome="skipped") == 1
        assert metrics.value("redmine_slack_poll_cycles_total", outcome="failed") == 1
        assert metrics.value("redmine_slack_poll_cycle_seconds_count") == 3
        assert metrics.value("redmine_slack_poll_cycle_seconds_sum") > 0
    finally:
        await engine.dispose()
