"""Poller cost against a real Redmine: requests per idle cycle and per changed issue, and speed.

    .venv/bin/python -m bench.poller [--subscriptions 10] [--changed 50] [--bulk 500]

Uses REDMINE_TEST_URL/REDMINE_TEST_API_KEY, or starts an isolated local Redmine
(port REDMINE_PORT, default 3196). Slack is the local fake and pacing is off, so the
figures are the poller's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from pathlib import Path

import httpx

from bot.app import open_services
from bot.cli import build_poller
from bot.notify.delivery import SlackDelivery
from bot.notify.poller import CLOCK_ALLOWANCE
from bot.services import Services
from bot.store.repositories import SubscriptionRepository
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack


def create_issues(url: str, key: str, project_id: int, count: int) -> None:
    with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=60) as http:
        for n in range(count):
            http.post(
                "/issues.json",
                json={"issue": {"project_id": project_id, "subject": f"poller bench {n}"}},
            ).raise_for_status()


async def subscribe_to_alpha(services: Services, channel: str, project_id: int) -> None:
    async with services.sessions() as session:
        await SubscriptionRepository(session).save(
            channel,
            project_id,
            project_identifier="alpha",
            project_name="Alpha",
            created_by_slack_user="UALICE",
            created_by_login="alice",
        )
        await session.commit()


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
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
                poller = build_poller(services, delivery=SlackDelivery(services.slack, pace=0))
                await poller.run_cycle()  # first start: the cursor begins now
                for n in range(args.subscriptions):
                    fake.add_channel(f"CBENCH{n}")
                    await subscribe_to_alpha(services, f"CBENCH{n}", data.projects["alpha"])
                await asyncio.sleep(1.1)

                requests.clear()
                await poller.run_cycle()
                print(
                    f"idle cycle, {args.subscriptions} subscriptions: {len(requests)} Redmine request(s) "
                    f"(goal 1): {', '.join(requests)}"
                )

                create_issues(url, key, data.projects["alpha"], 1)
                await poller.run_cycle()  # loads statuses, trackers, priorities once (cached)
                # Past the allowance, so that issue is settled and not fetched again below.
                await asyncio.sleep(CLOCK_ALLOWANCE.total_seconds() + 1)
                await poller.run_cycle()
                create_issues(url, key, data.projects["alpha"], args.changed)
                requests.clear()
                posted_before = len(fake.of("chat.postMessage"))
                report = await poller.run_cycle()
                lists = sum(1 for r in requests if r.endswith("/issues.json"))
                shows = sum(1 for r in requests if r.startswith("GET /issues/"))
                goal = math.ceil(args.changed / 100) + args.changed
                print(
                    f"cycle with U={args.changed} changed issues: {len(requests)} Redmine requests "
                    f"({lists} list, {shows} issue fetches; goal ceil(U/100)+U = {goal}); "
                    f"{report.posted} messages over {args.subscriptions} channels; "
                    f"{len(fake.of('chat.postMessage')) - posted_before} posts"
                )
                # A fetch within CLOCK_ALLOWANCE of a change is repeated once (Redmine's
                # thin sends no Date header to prove the fetch came after that second).
                await asyncio.sleep(CLOCK_ALLOWANCE.total_seconds() + 1)
                requests.clear()
                await poller.run_cycle()
                repeated = len(requests)
                requests.clear()
                await poller.run_cycle()
                print(
                    f"next cycles, nothing changed (those issues still in the overlap window): "
                    f"{repeated} then {len(requests)} Redmine request(s)"
                )

                for n in range(args.subscriptions):
                    async with services.sessions() as session:
                        await SubscriptionRepository(session).remove(
                            f"CBENCH{n}", data.projects["alpha"]
                        )
                        await session.commit()
                await subscribe_to_alpha(services, "CBULK", data.projects["alpha"])
                fake.add_channel("CBULK")
                await asyncio.sleep(1.1)
                create_issues(url, key, data.projects["alpha"], args.bulk)
                posted_before = len(fake.of("chat.postMessage"))
                requests.clear()
                started = time.perf_counter()
                report = await poller.run_cycle()
                seconds = time.perf_counter() - started
                posted = len(fake.of("chat.postMessage")) - posted_before
                lists = sum(1 for r in requests if r.endswith("/issues.json"))
                print(
                    f"{args.bulk} changed issues -> {posted} messages in {seconds:.1f} s "
                    f"({posted / seconds:.0f} messages/s; {len(requests)} Redmine requests: "
                    f"{lists} list pages, {len(requests) - lists} others; Slack pacing off)"
                )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3196")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
