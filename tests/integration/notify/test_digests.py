"""Daily digests end to end: `subscribe <project> digest:daily@HH:MM` over signed HTTP,
then the scheduler (clock injected) posting one message with the day's lists, read from
the real Redmine as the subscriber; two workers on one database post it once.

Slack publishes no workspace time zone (team.info answers id, name, domain, email_domain,
icon: docs.slack.dev/reference/methods/team.info), so the time is read in the Slack time
zone of whoever subscribes (users.info `tz`), and the answer says which.
"""

from __future__ import annotations

import asyncio
import time as clock_time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import open_services
from bot.cli import build_scheduler
from bot.i18n import translator_for
from bot.notify.scheduler import Scheduler
from bot.services import Services
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import make_poller
from tests.integration.slack_harness import RunningService, response_text, settings_for

BERLIN = ZoneInfo("Europe/Berlin")  # the fake's users live there


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def project(service: RunningService) -> Iterator[dict[str, Any]]:
    """A project of its own, so the digest's counts are exact whatever other tests do."""
    identifier = f"digest-{uuid.uuid4().hex[:8]}"
    seed = service.seed
    with rm.admin(seed) as http:
        created = http.post(
            "/projects.json",
            json={
                "project": {
                    "name": f"Digest {identifier[-8:]}",
                    "identifier": identifier,
                    "is_public": True,
                    "tracker_ids": list(seed.trackers.values()),
                    "enabled_module_names": ["issue_tracking"],
                }
            },
        )
        created.raise_for_status()
        found = created.json()["project"]
        http.post(
            f"/projects/{identifier}/memberships.json",
            json={
                "membership": {
                    "user_id": seed.users["alice"].id,
                    "role_ids": [seed.roles["Manager"]],
                }
            },
        ).raise_for_status()
    yield found


async def scheduler_on(service: RunningService, db: Path) -> AsyncIterator[Scheduler]:
    settings = settings_for(service.seed, service.fake, db)
    async with open_services(settings) as services:
        yield scheduler_for(services)


def scheduler_for(services: Services) -> Scheduler:
    return build_scheduler(services, make_poller(services), clock=Clock(datetime.now(UTC)))


def soon_in_berlin() -> datetime:
    now = datetime.now(BERLIN)
    if now.hour == 23 and now.minute >= 57:
        clock_time.sleep((60 - now.minute) * 60 - now.second + 1)
        now = datetime.now(BERLIN)
    return (now + timedelta(minutes=2)).replace(second=0, microsecond=0)


def digests(service: RunningService) -> list[dict[str, Any]]:
    return [
        c.args
        for c in service.fake.of("chat.postMessage")
        if str(c.args.get("text", "")).startswith("Daily digest")
    ]


def make_issues(service: RunningService, project: dict[str, Any], today: date) -> dict[str, int]:
    seed = service.seed
    pid = project["id"]

    def issue(subject: str, **fields: Any) -> int:
        made = rm.create_issue(seed, as_login="alice", project_id=pid, subject=subject, **fields)
        return int(made["id"])

    ids = {
        "overdue": issue(
            "Overdue one",
            start_date=(today - timedelta(days=5)).isoformat(),
            due_date=(today - timedelta(days=1)).isoformat(),
        ),
        "closed": issue("Closed one"),
        "soon": issue("Due soon", due_date=(today + timedelta(days=2)).isoformat()),
        "later": issue("Due later", due_date=(today + timedelta(days=10)).isoformat()),
        "private": issue("Private one <!channel>", is_private=True),
    }
    with rm.admin(seed) as http:
        http.put(
            f"/issues/{ids['closed']}.json",
            json={"issue": {"status_id": seed.statuses["Closed"]}},
            headers={"X-Redmine-Switch-User": "alice"},
        ).raise_for_status()
    return ids


async def test_a_digest_lists_the_days_issues_once_a_day(
    service: RunningService, project: dict[str, Any], tmp_path: Path
) -> None:
    at = soon_in_berlin()
    identifier = project["identifier"]
    service.command(f"subscribe {identifier} digest:daily@{at:%H:%M}", user="UALICE")
    answer = service.wait_response(lambda a: "digest" in response_text(a))
    assert f"a daily digest at {at:%H:%M} instead of each change" in answer["text"]
    assert "Times are in Europe/Berlin, your Slack time zone." in answer["text"]
    ids = make_issues(service, project, at.date())

    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as services:
        poller = make_poller(services)
        await poller.run_cycle()
        await asyncio.sleep(1.1)
        await poller.run_cycle()  # a digest channel gets no real-time message
        assert [c for c in service.fake.of("chat.postMessage")] == []
        scheduler = scheduler_for(services)
        clock: Any = scheduler.clock
        clock.now = at.astimezone(UTC) + timedelta(seconds=20)
        [sent] = [n for n in (await scheduler.tick()).sent if n.startswith("digest:")]
        assert (await scheduler.tick()).sent == []  # one a day
        clock.now += timedelta(hours=23)
        assert (await scheduler.tick()).sent == []
        clock.now += timedelta(hours=1)
        assert (await scheduler.tick()).sent == [sent]  # and the next day's

    first = digests(service)[0]
    assert first["channel"] == "CPUBLIC"
    assert first["text"] == (
        f"Daily digest for {project['name']}: 4 new · 1 closed · 4 updated · 1 overdue · 1 due soon"
    )
    shown = response_text(first)
    for key in ("overdue", "closed", "soon", "later"):
        assert f"/issues/{ids[key]}|" in shown
    assert f"/issues/{ids['private']}|" not in shown and "Private one" not in shown
    overdue_section = next(b for b in first["blocks"] if "*Overdue* (1)" in str(b))
    yesterday = translator_for("en").format_date(at.date() - timedelta(days=1))
    assert f"due {yesterday}" in str(overdue_section)  # "Nov 22, 2026": Babel's English
    soon_section = next(b for b in first["blocks"] if "*Due within 3 days* (1)" in str(b))
    assert f"/issues/{ids['soon']}|" in str(soon_section)


async def test_two_workers_post_a_digest_once(
    service: RunningService, project: dict[str, Any], tmp_path: Path
) -> None:
    at = soon_in_berlin()
    service.command(f"subscribe {project['identifier']} digest:daily@{at:%H:%M}", user="UALICE")
    service.wait_response(lambda a: "digest" in response_text(a))
    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as first, open_services(settings) as second:
        workers = [scheduler_for(first), scheduler_for(second)]
        for worker in workers:
            clock: Any = worker.clock
            clock.now = at.astimezone(UTC) + timedelta(seconds=5)
        reports = await asyncio.gather(*(worker.tick() for worker in workers))
        reports += await asyncio.gather(*(worker.tick() for worker in workers))
    sent = [name for report in reports for name in report.sent if name.startswith("digest:")]
    assert len(sent) == 1
    assert len(digests(service)) == 1


async def test_unsubscribing_ends_the_digest(
    service: RunningService, project: dict[str, Any], tmp_path: Path
) -> None:
    service.command(f"subscribe {project['identifier']} digest:daily@07:00", user="UALICE")
    service.wait_response(lambda a: "digest" in response_text(a))
    service.fake.calls.clear()
    service.command("subscriptions", user="UALICE")
    listed = service.wait_response()["text"]
    assert "a daily digest at 07:00 instead of each change" in listed
    service.fake.calls.clear()
    service.command(f"unsubscribe {project['identifier']}", user="UALICE")
    assert "no longer gets changes" in service.wait_response()["text"]
    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as services:
        scheduler = scheduler_for(services)
        clock: Any = scheduler.clock
        clock.now += timedelta(days=1, hours=1)  # past the next 07:00 in every zone
        report = await scheduler.tick()
        # A schedule still there would be sent or, if over two hours late, skipped.
        assert (report.sent, report.late, report.failed) == ([], [], [])
    assert digests(service) == []
    service.fake.calls.clear()
    service.command("subscribe alpha digest:weekly@07:00", user="UALICE")
    refused = service.wait_response(lambda a: "digest:" in response_text(a))["text"]
    assert "write it as `digest:daily@09:00`" in refused
