"""GET /metrics after a signed command and poll cycles, through the running app.

The app runs as `redmine-slack serve` does (the poller beside it), against the real
Redmine and the local Slack; the command is signed as Slack signs (tests/support/signing).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.cli import poller_jobs
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread


@pytest.fixture
def serving(redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningService]:
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "metrics.sqlite3", poll_interval=0.5
    )
    server = ServerThread(create_app(settings, register_all, background=poller_jobs)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake_slack, redmine_seed, http)
    finally:
        server.stop()


def scrape(service: RunningService) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = service.http.get(f"{service.url}/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def total(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> float:
    return sum(value for (sample, _), value in samples.items() if sample == name)


def test_metrics_move_with_a_command_and_a_poll_cycle(serving: RunningService) -> None:
    before = scrape(serving)
    assert total(before, "redmine_slack_slack_ack_seconds_count") == 0
    serving.command("subscribe alpha")
    assert "now gets changes to *Alpha*" in serving.wait_response()["text"]
    title = f"Measured {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(serving.seed, as_login="bob", subject=title)
    note = f"note {uuid.uuid4().hex[:8]}"
    with rm.admin(serving.seed) as http:
        http.put(f"/issues/{issue['id']}.json", json={"issue": {"notes": note}}).raise_for_status()
    serving.fake.wait_for("chat.postMessage", lambda c: note in str(c.args), timeout=30)
    time.sleep(0.2)  # the post's metrics are recorded right after Slack answered
    after = scrape(serving)
    # The issue and its note may come in one cycle on a busy machine: the poller goes on
    # cycling, so wait for a second one rather than assume two were needed.
    deadline = time.monotonic() + 20
    while total(after, "redmine_slack_poll_cycle_seconds_count") < 2:
        assert time.monotonic() < deadline, "the poller stopped cycling"
        time.sleep(0.2)
        after = scrape(serving)

    requests = total(after, "redmine_slack_slack_requests_total")
    assert requests == after[("redmine_slack_slack_requests_total", frozenset({("status", "200")}))]
    assert total(after, "redmine_slack_slack_ack_seconds_count") == requests == serving.sent
    assert total(after, "redmine_slack_poll_cycle_seconds_count") >= 2
    assert total(after, "redmine_slack_poll_cycles_total") == total(
        after, "redmine_slack_poll_cycle_seconds_count"
    )
    assert total(after, "redmine_slack_delivery_lag_seconds_count") >= 1
    assert total(after, "redmine_slack_messages_posted_total") >= 2  # the new issue, the note
    assert total(after, "redmine_slack_journals_seen_total") >= 1
    assert total(after, "redmine_slack_messages_failed_total") == 0
    kinds = {
        dict(labels)["resource"]
        for (name, labels) in after
        if name == "redmine_slack_redmine_request_seconds_count"
    }
    assert "issues" in kinds
    assert not any(str(issue["id"]) == kind for kind in kinds)
    assert serving.seed.admin_key not in httpx.get(f"{serving.url}/metrics").text
