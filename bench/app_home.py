"""App Home open -> Home tab published, for a person with many open issues.

    .venv/bin/python -m bench.app_home [--issues 200] [--opens 40]

Starts an isolated local Redmine (REDMINE_PORT, default 3196) with Redmine answering at
its own speed, gives Alice `--issues` open issues, then runs the app_home_opened
listener (handlers/home.py: resolve who she is, read her list as her, views.publish to
the local fake Slack) `--opens` times. Prints p50/p95 and the Redmine requests per open,
cold (identity not cached yet) and warm. Goal: at most 4 Redmine requests per open.
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
from handlers.home import on_home_opened
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack


def create_assigned(url: str, key: str, project_id: int, user_id: int, count: int) -> None:
    with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=60) as http:
        for n in range(count):
            http.post(
                "/issues.json",
                json={
                    "issue": {
                        "project_id": project_id,
                        "subject": f"home bench {n}",
                        "assigned_to_id": user_id,
                    }
                },
            ).raise_for_status()


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    create_assigned(url, key, data.projects["alpha"], data.users["alice"].id, args.issues)
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
                event = {"type": "app_home_opened", "user": "UALICE", "tab": "home"}
                asked = Asked(services, services.slack, None, {"event": event}, "UALICE", None)
                timings: list[float] = []
                per_open: list[int] = []
                for n in range(args.opens):
                    requests.clear()
                    started = time.perf_counter()
                    await on_home_opened(event, asked)
                    timings.append((time.perf_counter() - started) * 1000)
                    per_open.append(len(requests))
                    if n == 0:
                        cold = list(requests)
                published = fake.of("views.publish")
                assert len(published) == args.opens
                rows = sum(
                    1 for b in published[-1].args["view"]["blocks"] if "home bench" in str(b)
                )
                print(
                    f"App Home for a person with {args.issues}+ open issues ({rows} rows shown), "
                    f"{args.opens} opens: p50 {statistics.median(timings):.0f} ms, "
                    f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms"
                )
                print(
                    f"Redmine requests per open: first {per_open[0]} ({', '.join(cold)}), "
                    f"then {min(per_open[1:])}-{max(per_open[1:])} (goal: at most 4)"
                )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--opens", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3196")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
