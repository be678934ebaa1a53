"""A Slack call that never answers: the watchdog cancels the cycle, /readyz names the
notifier as stalled meanwhile, and once Slack answers again the change is delivered once.

The service runs as `redmine-slack serve` does (poller beside the web app), against the
real Redmine and the fake Slack, whose `stall()` keeps chat.postMessage unanswered (as a
Slack that cannot be reached). Each attempt was recorded as pending first, so the attempt
after the stall looks for it in the channel's history (bot/notify/once.py) before posting.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import create_app
from bot.cli import poller_jobs
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread

POLL_INTERVAL = 1.0  # the watchdog's bound is three of them


@pytest.fixture
def serving(redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningService]:
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "stall.sqlite3", poll_interval=POLL_INTERVAL
    )
    server = ServerThread(create_app(settings, register_all, background=poller_jobs)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake_slack, redmine_seed, http)
    finally:
        fake_slack.unstall()
        server.stop()


def wait_until(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


def metric(service: RunningService, name: str) -> float:
    for line in service.http.get(f"{service.url}/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def test_a_call_that_never_answers_is_cancelled_reported_and_delivered_once_after(
    serving: RunningService,
) -> None:
    serving.command("subscribe alpha")
    assert "now gets changes to *Alpha*" in serving.wait_response()["text"]
    wait_until(lambda: serving.http.get(f"{serving.url}/readyz").json().get("notifier") == "ok")

    serving.fake.stall("chat.postMessage")
    title = f"Stalled {uuid.uuid4().hex[:8]}"
    rm.create_issue(serving.seed, as_login="bob", subject=title)

    readyz: list[httpx.Response] = []

    def stalled() -> bool:
        readyz.append(serving.http.get(f"{serving.url}/readyz"))
        return readyz[-1].status_code == 503

    wait_until(stalled)
    assert readyz[-1].json()["notifier"].startswith("stalled: no poll cycle moved or finished for ")
    assert readyz[-1].json()["redmine"] == "ok"  # it names the notifier, nothing else
    wait_until(lambda: metric(serving, "redmine_slack_poll_cycles_cancelled_total") >= 1)

    serving.fake.unstall()  # Slack answers again
    wait_until(lambda: serving.http.get(f"{serving.url}/readyz").status_code == 200)
    wait_until(lambda: any(title in m.get("text", "") for m in serving.fake.messages_in("CPUBLIC")))
    time.sleep(3 * POLL_INTERVAL)  # a few more cycles: a repeat would show now
    in_channel = [m for m in serving.fake.messages_in("CPUBLIC") if title in m.get("text", "")]
    assert len(in_channel) == 1
    assert metric(serving, "redmine_slack_poll_last_cycle_finished_seconds") > time.time() - 60
