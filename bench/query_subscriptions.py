"""Saved-query subscriptions: Redmine requests per poll cycle with 20 of them.

    REDMINE_PORT=3146 .venv/bin/python -m bench.query_subscriptions [--subscriptions 20] [--changed 50]

Uses REDMINE_TEST_URL/REDMINE_TEST_API_KEY, or starts an isolated local Redmine (port
REDMINE_PORT, default 3196). Alice saves a public query "Urgent bugs" in `alpha` through
Redmine's web form; 20 channels follow it, subscribed as Alice. Slack is the local fake.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import httpx

from bot.app import open_services
from bot.cli import build_poller
from bot.notify.delivery import SlackDelivery
from bot.notify.poller import CLOCK_ALLOWANCE
from bot.store.repositories import SubscriptionRepository
from tests.integration.notify.saved_queries import create_query
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack


def create_issues(url: str, key: str, fields: dict[str, int], count: int, tag: str) -> None:
    with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=60) as http:
        for n in range(count):
            body = {**fields, "subject": f"query bench {tag} {n}"}
            http.post("/issues.json", json={"issue": body}).raise_for_status()


def kinds(requests: list[str]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in Counter(requests).most_common())


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    fake, server = start_fake_slack()
    add_slack_users(fake)
    alpha, bug, feature = data.projects["alpha"], data.trackers["Bug"], data.trackers["Feature"]
    urgent, normal = data.priorities["Urgent"], data.priorities["Normal"]
    name = f"Urgent bugs {uuid.uuid4().hex[:6]}"
    query_id = create_query(
        data,
        login="alice",
        name=name,
        project="alpha",
        filters={"tracker_id": [str(bug)], "priority_id": [str(urgent)]},
    )
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        kind = "query" if "query_id" in request.url.params else request.url.path
        requests.append(f"{request.method} {kind}")

    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(data, fake, Path(tmp) / "bench.sqlite3")
            async with open_services(settings) as services:
                services.redmine.client.http.event_hooks["request"].append(count)
                poller = build_poller(services, delivery=SlackDelivery(services.slack, pace=0))
                for n in range(args.subscriptions):
                    fake.add_channel(f"CQUERY{n}")
                    async with services.sessions() as session:
                        await SubscriptionRepository(session).save(
                            f"CQUERY{n}",
                            alpha,
                            query_id=query_id,
                            query_name=name,
                            project_identifier="alpha",
                            project_name="Alpha",
                            created_by_slack_user="UALICE",
                            created_by_login="alice",
                        )
                        await session.commit()
                await poller.run_cycle()  # first start: the cursor begins now
                await asyncio.sleep(1.1)
                requests.clear()
                await poller.run_cycle()
                print(
                    f"{args.subscriptions} query subscriptions, 0 changed issues: "
                    f"{len(requests)} Redmine request(s): {kinds(requests)}"
                )
                # Warm the caches (statuses, names) and let that change settle.
                create_issues(url, key, {"project_id": alpha, "tracker_id": bug}, 1, "warm")
                await poller.run_cycle()
                await asyncio.sleep(CLOCK_ALLOWANCE.total_seconds() + 1)
                await poller.run_cycle()
                in_query = args.changed // 5
                create_issues(
                    url,
                    key,
                    {"project_id": alpha, "tracker_id": bug, "priority_id": urgent},
                    in_query,
                    "in",
                )
                create_issues(
                    url,
                    key,
                    {"project_id": alpha, "tracker_id": feature, "priority_id": normal},
                    args.changed - in_query,
                    "out",
                )
                requests.clear()
                posted_before = len(fake.of("chat.postMessage"))
                report = await poller.run_cycle()
                posted = len(fake.of("chat.postMessage")) - posted_before
                print(
                    f"{args.subscriptions} query subscriptions, {args.changed} changed issues "
                    f"({in_query} in the query): {len(requests)} Redmine requests: "
                    f"{kinds(requests)}; {report.posted} messages, {posted} posts"
                )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=20)
    parser.add_argument("--changed", type=int, default=50)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
