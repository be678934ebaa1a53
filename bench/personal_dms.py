"""Personal DMs for many changed issues: Redmine requests per cycle, and delivery time
against Slack's pacing floor of one message per second per conversation.

    .venv/bin/python -m bench.personal_dms [--issues 100] [--recipients 30]

Starts an isolated local Redmine (REDMINE_PORT, default 3196; Redmine answers at its own
speed) with `--recipients` people who are Developers in `alpha`, each with a Slack
account of the same email in the local fake Slack. Alice then creates `--issues`
issues, each assigned to one of them and watched by two others, and adds a note to
each. One poller cycle (pacing on: 1 message/s per conversation, as Slack asks) tells
everyone concerned. Printed: the Redmine requests of that cycle by kind, the DMs per
conversation, the cycle's time and its ratio to the floor (goal: within 1.2x).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

import httpx

from bench.pacing import request_line, timed_cycle
from bot.app import open_services
from bot.cli import build_poller
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack


def create_people(url: str, key: str, project_id: int, role_id: int, count: int) -> list[int]:
    ids = []
    with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=60) as http:
        for n in range(count):
            login = f"dm{n:02d}"
            user = http.post(
                "/users.json",
                json={
                    "user": {
                        "login": login,
                        "firstname": "Person",
                        "lastname": f"N{n:02d}",
                        "mail": f"{login}@example.com",
                        "password": "bench-password-1",
                    }
                },
            )
            user.raise_for_status()
            user_id = int(user.json()["user"]["id"])
            http.post(
                f"/projects/{project_id}/memberships.json",
                json={"membership": {"user_id": user_id, "role_ids": [role_id]}},
            ).raise_for_status()
            ids.append(user_id)
    return ids


def change_issues(url: str, key: str, project_id: int, people: list[int], count: int) -> None:
    headers = {"X-Redmine-API-Key": key, "X-Redmine-Switch-User": "alice"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for n in range(count):
            size = len(people)
            created = http.post(
                "/issues.json",
                json={
                    "issue": {
                        "project_id": project_id,
                        "subject": f"dm bench {n}",
                        "assigned_to_id": people[n % size],
                        "watcher_user_ids": [people[(n + 1) % size], people[(n + 2) % size]],
                    }
                },
            )
            created.raise_for_status()
            issue_id = created.json()["issue"]["id"]
            http.put(
                f"/issues/{issue_id}.json", json={"issue": {"notes": f"Progress on {n}"}}
            ).raise_for_status()


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    alpha = data.projects["alpha"]
    people = create_people(url, key, alpha, data.roles["Developer"], args.recipients)
    fake, server = start_fake_slack()
    add_slack_users(fake)
    for n in range(args.recipients):
        fake.add_user(f"UDM{n:02d}", f"dm{n:02d}@example.com", name=f"dm{n:02d}")
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        path = request.url.path
        if request.headers.get("x-redmine-switch-user"):
            requests.append("read as the recipient")
        elif path.startswith("/issues/"):
            requests.append("issue with journals (admin)")
        else:
            requests.append(f"{request.method} {path}")

    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(
                data, fake, Path(tmp) / "bench.sqlite3", personal_notifications=True
            )
            async with open_services(settings) as services:
                services.redmine.client.http.event_hooks["request"].append(count)
                poller = build_poller(services)  # Slack's pace: 1 message/s per conversation
                await poller.run_cycle()  # first start: the cursor begins now
                cycle = await timed_cycle(
                    poller,
                    fake,
                    lambda: change_issues(url, key, alpha, people, args.issues),
                    requests,
                )
                print(
                    f"{args.issues} changed issues, {args.recipients} recipients: "
                    f"{len(cycle.posts)} DMs in {len(cycle.per_conversation)} conversations "
                    f"(busiest {cycle.busiest}); failed issues: {cycle.failed_issues}"
                )
                print(request_line(requests))
                print(cycle.verdict("DM"))
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3196")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
