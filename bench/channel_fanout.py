"""Channel notifications fan-out: Redmine requests per cycle, and delivery time against
Slack's pacing floor of one message per second per conversation.

    .venv/bin/python -m bench.channel_fanout [--issues 500] [--projects 5] [--per-project 2]

Starts an isolated local Redmine (REDMINE_PORT, default 3197; Redmine answers at its own
speed) and creates `--projects` team projects. Each project is followed by
`--per-project` channels of the local fake Slack (defaults: 5 projects x 2 = 10 channels,
say a team's channel and its leads' channel), every subscription with the defaults of
`/redmine subscribe <project>`: all events, one thread per issue. Then `--issues` issues
are created round-robin over the projects and each gets a note, so every change fans out
to `--per-project` channels, and in each of them becomes the issue's card (the thread's
parent) and the note as a reply in its thread. Personal DMs are off: only channel
messages are measured. One poller cycle (pacing on: 1 message/s per conversation, as
Slack asks) delivers them all. Printed: the Redmine requests of that cycle by kind, the
messages per channel, the cycle's time and its ratio to the floor (goal: within 1.2x).
`--projects 1 --per-project 10 --issues 100` sends every change to all 10 channels.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import tempfile
from pathlib import Path

import httpx

from bench.pacing import request_line, timed_cycle
from bot.app import open_services
from bot.cli import build_poller
from bot.services import Services
from bot.store.repositories import SubscriptionRepository
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import Seed, seed, start_redmine
from tests.support.fakeslack import start_fake_slack


def create_projects(data: Seed, count: int) -> dict[str, int]:
    """Team projects fan0.. (identifier -> id), with every tracker and issue tracking."""
    projects = {}
    headers = {"X-Redmine-API-Key": data.admin_key}
    with httpx.Client(base_url=data.url, headers=headers, timeout=60) as http:
        for n in range(count):
            identifier = f"fan{n}"
            created = http.post(
                "/projects.json",
                json={
                    "project": {
                        "name": f"Fan-out {n}",
                        "identifier": identifier,
                        "is_public": True,
                        "tracker_ids": list(data.trackers.values()),
                        "enabled_module_names": ["issue_tracking"],
                    }
                },
            )
            created.raise_for_status()
            projects[identifier] = int(created.json()["project"]["id"])
    return projects


async def subscribe(services: Services, channel: str, identifier: str, project_id: int) -> None:
    async with services.sessions() as session:
        await SubscriptionRepository(session).save(
            channel,
            project_id,
            project_identifier=identifier,
            project_name=identifier,
            created_by_slack_user="UALICE",
            created_by_login="alice",
        )
        await session.commit()


def change_issues(data: Seed, projects: list[int], count: int) -> None:
    headers = {"X-Redmine-API-Key": data.admin_key}
    with httpx.Client(base_url=data.url, headers=headers, timeout=60) as http:
        for n in range(count):
            project_id = projects[n % len(projects)]
            created = http.post(
                "/issues.json",
                json={"issue": {"project_id": project_id, "subject": f"fan-out bench {n}"}},
            )
            created.raise_for_status()
            issue_id = created.json()["issue"]["id"]
            http.put(
                f"/issues/{issue_id}.json", json={"issue": {"notes": f"Progress on {n}"}}
            ).raise_for_status()


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    projects = create_projects(data, args.projects)
    fake, server = start_fake_slack()
    add_slack_users(fake)
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        path = request.url.path
        if path == "/issues.json":
            requests.append("issue list page")
        elif path.startswith("/issues/"):
            requests.append("issue with journals")
        else:
            requests.append(f"{request.method} {path}")

    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(
                data, fake, Path(tmp) / "bench.sqlite3", personal_notifications=False
            )
            async with open_services(settings) as services:
                services.redmine.client.http.event_hooks["request"].append(count)
                poller = build_poller(services)  # Slack's pace: 1 message/s per conversation
                await poller.run_cycle()  # first start: the cursor begins now
                channels = []
                for identifier, project_id in projects.items():
                    for k in range(args.per_project):
                        channel = f"C{identifier.upper()}X{k}"
                        fake.add_channel(channel)
                        await subscribe(services, channel, identifier, project_id)
                        channels.append(channel)
                cycle = await timed_cycle(
                    poller,
                    fake,
                    lambda: change_issues(data, list(projects.values()), args.issues),
                    requests,
                )
                replies = sum(1 for p in cycle.posts if p.args.get("thread_ts"))
                spread = collections.Counter(cycle.per_conversation[c] for c in channels)
                print(
                    f"{args.issues} changed issues, {len(channels)} channels "
                    f"({args.projects} projects x {args.per_project}): {len(cycle.posts)} "
                    f"messages ({len(cycle.posts) - replies} cards, {replies} thread replies); "
                    f"failed issues: {cycle.failed_issues}"
                )
                print(
                    "messages per channel: "
                    + ", ".join(f"{n} in {k} channel(s)" for n, k in sorted(spread.items()))
                )
                print(request_line(requests))
                print(cycle.verdict("channel"))
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--projects", type=int, default=5)
    parser.add_argument("--per-project", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3197")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
