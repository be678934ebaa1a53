"""Fetch issues with journals from a real Redmine: one by one, concurrently, and with python-redmine.

    .venv/bin/pip install python-redmine   # only for the comparison
    .venv/bin/python -m bench.redmine_adapter [--issues 200] [--concurrency 8]

Uses REDMINE_TEST_URL/REDMINE_TEST_API_KEY, or starts an isolated local Redmine
(scripts/redmine-local.sh, port REDMINE_PORT, default 3197). Creates the issues (with two
notes each) once, then prints requests/s and wall time for each way of reading them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import httpx

from bot.redmine import Redmine, RedmineClient
from tests.redmine_server import seed, start_redmine


def prepare(url: str, key: str, count: int) -> list[int]:
    data = seed(url, key)
    headers = {"X-Redmine-API-Key": key}
    ids: list[int] = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for n in range(count):
            issue = http.post(
                "/issues.json",
                json={
                    "issue": {
                        "project_id": data.projects["alpha"],
                        "subject": f"bench issue {n}",
                        "description": "text " * 40,
                    }
                },
            ).json()["issue"]
            for note in ("first note", "second note"):
                http.put(f"/issues/{issue['id']}.json", json={"issue": {"notes": note}})
            ids.append(issue["id"])
    return ids


async def one_by_one(redmine: Redmine, ids: list[int]) -> None:
    for issue_id in ids:
        issue = await redmine.issues.get(issue_id, include=["journals"])
        assert len(issue.journals) == 2


async def concurrently(redmine: Redmine, ids: list[int], limit: int) -> None:
    gate = asyncio.Semaphore(limit)

    async def fetch(issue_id: int) -> None:
        async with gate:
            issue = await redmine.issues.get(issue_id, include=["journals"])
            assert len(issue.journals) == 2

    await asyncio.gather(*(fetch(i) for i in ids))


def python_redmine(url: str, key: str, ids: list[int]) -> float | None:
    try:
        from redminelib import Redmine as SyncRedmine  # type: ignore[import-not-found]
    except ImportError:
        return None
    client = SyncRedmine(url, key=key)
    started = time.perf_counter()
    for issue_id in ids:
        issue = client.issue.get(issue_id, include=["journals"])
        assert len(list(issue.journals)) == 2
    return time.perf_counter() - started


def line(name: str, seconds: float, requests: int) -> None:
    print(f"{name:<34} {seconds:7.2f} s   {requests / seconds:7.1f} requests/s")


async def measure(url: str, key: str, ids: list[int], limit: int) -> tuple[float, float]:
    async with RedmineClient(url, key) as client:
        redmine = Redmine(client)
        await redmine.issues.get(ids[0])  # open the pooled connection outside the timing
        started = time.perf_counter()
        await one_by_one(redmine, ids)
        sequential = time.perf_counter() - started
        started = time.perf_counter()
        await concurrently(redmine, ids, limit)
        concurrent = time.perf_counter() - started
    return sequential, concurrent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3197")
    url, key = start_redmine()
    ids = prepare(url, key, args.issues)
    sequential, concurrent = asyncio.run(measure(url, key, ids, args.concurrency))
    print(f"{len(ids)} issues with journals, GET /issues/:id.json?include=journals each")
    line("redmine-slack adapter, one by one", sequential, len(ids))
    line(f"redmine-slack adapter, {args.concurrency} at a time", concurrent, len(ids))
    sync_seconds = python_redmine(url, key, ids)
    if sync_seconds is None:
        print("python-redmine is not installed: pip install python-redmine for the comparison")
        return
    line("python-redmine (synchronous)", sync_seconds, len(ids))
    print(
        f"python-redmine time / adapter one by one: {sync_seconds / sequential:.2f}x; "
        f"/ adapter concurrent: {sync_seconds / concurrent:.2f}x"
    )


if __name__ == "__main__":
    main()
