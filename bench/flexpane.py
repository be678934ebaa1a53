"""Flexpane open: entity_details_requested -> entity.presentDetails, read as the person.

    .venv/bin/python -m bench.flexpane [--notes 20] [--opens 40]

Starts an isolated local Redmine (REDMINE_PORT, default 3199) answering at its own
speed, gives an issue of `alpha` `--notes` notes, then runs the entity_details_requested
listener (handlers/flexpane.py: resolve who Bob is, read the issue with its journals and
the statuses he may set as him, the project's assignable members for the assignee
choices, entity.presentDetails to the local fake Slack) `--opens` times. Prints p50/p95,
the Redmine requests per open, cold (identity and memberships not cached yet) and warm,
and Redmine's own time for the one read a warm open makes. Goal: at most 3 Redmine
requests per open, p95 at most 500 ms plus Redmine's time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.stats import percentile
from bot.app import open_services
from handlers.asked import Asked
from handlers.flexpane import on_entity_details
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack

USER = "UBOB"


def issue_with_notes(url: str, key: str, project_id: int, notes: int) -> int:
    with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=60) as http:
        answer = http.post(
            "/issues.json",
            json={
                "issue": {
                    "project_id": project_id,
                    "subject": "flexpane bench",
                    "description": "Printer *jams* on page 2.\n\n" * 20,
                }
            },
        )
        answer.raise_for_status()
        issue_id = int(answer.json()["issue"]["id"])
        for n in range(notes):
            http.put(
                f"/issues/{issue_id}.json", json={"issue": {"notes": f"note {n}: toner, drum"}}
            ).raise_for_status()
    return issue_id


def redmine_alone(url: str, key: str, issue_id: int, reads: int) -> list[float]:
    """The warm open's one read, straight to Redmine as Bob: Redmine's own time."""
    timings = []
    headers = {"X-Redmine-API-Key": key, "X-Redmine-Switch-User": "bob"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for _ in range(reads):
            started = time.perf_counter()
            http.get(
                f"/issues/{issue_id}.json", params={"include": "journals,allowed_statuses"}
            ).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    issue_id = issue_with_notes(url, key, data.projects["alpha"], args.notes)
    fake, server = start_fake_slack()
    add_slack_users(fake)
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        requests.append(f"{request.method} {request.url.path}")

    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(data, fake, Path(tmp) / "bench.sqlite3")
            async with open_services(settings) as services:
                services.redmine.client.http.event_hooks["request"].append(count)
                timings: list[float] = []
                per_open: list[int] = []
                cold: list[str] = []
                for n in range(args.opens):
                    trigger = fake.open_flexpane(str(issue_id))
                    event = {
                        "type": "entity_details_requested",
                        "user": USER,
                        "external_ref": {"id": str(issue_id), "type": "issue"},
                        "trigger_id": trigger,
                    }
                    asked = Asked(services, services.slack, None, {"event": event}, USER, None)
                    requests.clear()
                    started = time.perf_counter()
                    await on_entity_details(event, asked)
                    timings.append((time.perf_counter() - started) * 1000)
                    per_open.append(len(requests))
                    if n == 0:
                        cold = list(requests)
                    assert "metadata" in fake.flexpanes[trigger], fake.flexpanes[trigger]
                alone = redmine_alone(url, key, issue_id, args.opens)
                print(
                    f"Flexpane open (entity_details_requested -> entity.presentDetails) of an "
                    f"issue with {args.notes} notes, {args.opens} opens as Bob: "
                    f"p50 {statistics.median(timings):.0f} ms, "
                    f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms"
                )
                print(
                    f"Redmine requests per open: first {per_open[0]} ({', '.join(cold)}), "
                    f"then {min(per_open[1:])}-{max(per_open[1:])} (goal: at most 3)"
                )
                print(
                    f"Redmine alone, the warm open's read: p50 {statistics.median(alone):.0f} ms, "
                    f"p95 {percentile(alone, 0.95):.0f} ms"
                )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--opens", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3199")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
