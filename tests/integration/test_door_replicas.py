"""The door across replicas, over real HTTP: two app instances sharing only PostgreSQL
(each its own engine, replay records, followed threads and event loop), as two replicas
behind a load balancer are; and the chatter of a busy channel, which writes nothing.

Retries as Slack documents them (https://docs.slack.dev/apis/events-api/#retries): the
same event, signed afresh, with `X-Slack-Retry-Num`. Message events after
docs.slack.dev/reference/events/message (a reply's `thread_ts` names its parent).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.databases import empty_postgres
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, run_service, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack
from tests.support.signing import command_body, signed_headers


@pytest.fixture
def replicas(
    redmine_seed: Seed, fake_slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> Iterator[tuple[RunningService, RunningService]]:
    asyncio.run(empty_postgres(postgres_url))
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "unused", database_url=postgres_url
    )
    first = run_service(settings, fake_slack, redmine_seed)
    second = run_service(settings, fake_slack, redmine_seed)
    try:
        yield next(first), next(second)
    finally:
        first.close()
        second.close()


def event_callback(event: dict[str, Any], event_id: str | None = None) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10],
            "event_time": int(time.time()),
            "event": event,
        }
    )


def send(service: RunningService, body: str, *, retry: int = 0) -> int:
    """Signed as Slack signs; a retry is signed afresh (a later timestamp) and says so."""
    signed = signed_headers(
        body, timestamp=int(time.time()) + retry, content_type="application/json"
    )
    if retry:
        signed |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return service.post(body, headers=signed).status_code


def test_slacks_retry_is_taken_once_across_two_replicas(
    replicas: tuple[RunningService, RunningService],
) -> None:
    here, there = replicas
    issue = rm.create_issue(here.seed, subject=f"Retried across replicas {uuid.uuid4().hex[:6]}")
    body = event_callback(
        {
            "type": "link_shared",
            "channel": "CPUBLIC",
            "user": "UALICE",
            "message_ts": "1700000000.000009",
            "links": [{"domain": "127.0.0.1", "url": f"{here.seed.url}/issues/{issue['id']}"}],
        }
    )
    assert send(here, body) == 200
    here.fake.wait_for("chat.unfurl")
    # The retries reach either replica: new timestamp and signature, the same event_id.
    assert send(there, body, retry=1) == 200
    assert send(here, body, retry=2) == 200
    time.sleep(1.0)  # a second unfurl, were there one, would be posted by now
    assert len(here.fake.of("chat.unfurl")) == 1


def test_a_replayed_command_is_refused_here_and_on_the_other_replica(
    replicas: tuple[RunningService, RunningService],
) -> None:
    here, there = replicas
    subject = f"Replayed across replicas {uuid.uuid4().hex[:8]}"
    body = command_body(f"create alpha {subject}", response_url=here.fake.response_url())
    headers = signed_headers(body)
    assert here.post(body, headers=headers).status_code == 200
    here.wait_response(lambda a: subject in json.dumps(a))
    # The same bytes again: this replica knows them from memory and says so.
    assert here.post(body, headers=headers).status_code == 401
    # The other replica never saw them itself: it acks, and its shared record stops
    # the work (the first replica's record is written by the time its answer came).
    assert there.post(body, headers=headers).status_code == 200
    assert there.post(body, headers=headers).status_code == 401  # now it knows
    time.sleep(1.0)  # a second issue or answer, were there one, would be there by now
    assert len(rm.issues_with_subject(here.seed, subject)) == 1
    assert len([a for a in here.responses() if subject in json.dumps(a)]) == 1


def rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def solo(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[tuple[RunningService, Path]]:
    path = tmp_path / "solo.sqlite3"
    yield from (
        (s, path)
        for s in run_service(settings_for(redmine_seed, fake_slack, path), fake_slack, redmine_seed)
    )


def test_a_busy_channels_chatter_writes_nothing(solo: tuple[RunningService, Path]) -> None:
    service, path = solo
    before = rows(path)
    now = time.time()
    chatter = [
        {
            "type": "message",
            "channel": "CPUBLIC",
            "user": "UBOB",
            "text": f"hi {n}",
            "ts": f"{now + n:.6f}",
        }
        for n in range(10)
    ]
    replies = [
        {**m, "ts": f"{now + 20 + n:.6f}", "thread_ts": "1699000000.000100"}
        for n, m in enumerate(chatter)
    ]
    elsewhere = {
        "type": "link_shared",
        "channel": "CPUBLIC",
        "user": "UBOB",
        "message_ts": "1.1",
        "links": [{"domain": "example.org", "url": "https://example.org/issues/1"}],
    }
    for event in [*chatter, *replies, elsewhere]:
        assert send(service, event_callback(event)) == 200
    time.sleep(0.5)  # anything written after the acks would have landed
    assert rows(path) == before
    assert service.fake.of("chat.unfurl") == [] and service.fake.of("chat.postEphemeral") == []
    # What concerns us is still recorded (its event_id), so the count above is real.
    home = {"type": "app_home_opened", "user": "UALICE", "channel": "D1", "tab": "home"}
    assert send(service, event_callback(home)) == 200
    service.fake.wait_for("views.publish")
    assert rows(path)["seen_slack_requests"] == before["seen_slack_requests"] + 1
