"""`time month` for a person with 400 time entries: Redmine requests and latency.

    REDMINE_PORT=3146 .venv/bin/python -m bench.time_month [--entries 400] [--runs 20]

Uses REDMINE_TEST_URL/REDMINE_TEST_API_KEY, or starts an isolated local Redmine
(port REDMINE_PORT, default 3196). Runs the report action as the person (their adapter
view, as `/redmine time month` does after the ack) and counts every request it sends.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from datetime import UTC, date, datetime

import httpx

from bot.actions.time_report import time_report
from bot.domain.timesheet import Period, resolve_period
from bot.redmine import Redmine, RedmineClient
from tests.integration import redmine_admin as rm
from tests.integration.time.people import clear_time, ensure_member, log_time
from tests.redmine_server import seed, start_redmine


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


async def run(args: argparse.Namespace) -> None:
    url, key = start_redmine()
    data = seed(url, key)
    member = ensure_member(data, "benchtime", "Bench", "Developer")
    clear_time(data, member.user_id)
    today = datetime.now(UTC).date()
    issues = [
        rm.create_issue(data, as_login="alice", subject=f"time bench {n}")["id"] for n in range(40)
    ]
    for n in range(args.entries):
        day = date(today.year, today.month, 1 + n % 28)
        log_time(data, member.login, 0.25, day, issue_id=issues[n % len(issues)])
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        requests.append(f"{request.method} {request.url.path}")

    period = resolve_period(Period("month"), today)
    seconds: list[float] = []
    per_run: list[int] = []
    async with RedmineClient(url, key) as client:
        client.http.event_hooks["request"].append(count)
        redmine = Redmine(client).as_user(member.login)
        for _ in range(args.runs):
            requests.clear()
            started = time.perf_counter()
            report = await time_report(redmine, period, None)
            seconds.append(time.perf_counter() - started)
            per_run.append(len(requests))
    assert len(report.entries) == args.entries, len(report.entries)
    print(f"time month, {args.entries} entries on {len(issues)} issues, {args.runs} runs:")
    print(f"  Redmine requests per report: {sorted(set(per_run))} ({requests})")
    print(
        f"  p50 {sorted(seconds)[len(seconds) // 2] * 1000:.0f} ms, "
        f"p95 {p95(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )
    clear_time(data, member.user_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=400)
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
