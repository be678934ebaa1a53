"""Ack latency under a slow Redmine, against a bare Bolt app; Redmine requests per command.

    .venv/bin/python -m bench.ack_latency [--requests 200] [--concurrency 50] [--delay 2.0]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine and runs,
each in its own process so none steals the others' CPU: a proxy in front of Redmine that
holds every request for --delay seconds plus the fake Slack Web API; the service
(`redmine-slack web`); and a bare Bolt app that only acks. Sends signed
`/redmine create` requests and prints p50/p99 time to the HTTP answer for both, then the
number of Redmine requests `create`, `note`, `log` and `show` make once caches are warm.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench.stats import percentile
from tests.integration.slack_harness import SECRET_KEY
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import BOT_TOKEN, free_port
from tests.support.signing import SIGNING_SECRET, command_body, signed_headers

VENV_BIN = Path(sys.executable).parent


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)


async def load(
    url: str, bodies: list[str], concurrency: int, warm_up: Callable[[], str]
) -> list[float]:
    """Latencies of `bodies`, `concurrency` at a time, over connections opened beforehand.

    Slack keeps its connections to an app open, so the connections are opened (with
    unmeasured `warm_up` requests) before the clock starts. The load comes from aiohttp:
    httpx's connection pool slows down so much at 50 connections (118 requests/s to an
    empty route here, against aiohttp's 3,190) that it would measure itself.
    """
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:

        async def one(body: str, record: bool = True) -> None:
            async with gate:
                started = time.perf_counter()
                async with session.post(
                    f"{url}/slack/events", data=body.encode(), headers=signed_headers(body)
                ) as response:
                    text = await response.text()
                if record:
                    latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"answer {response.status}: {text[:200]}")

        await asyncio.gather(*(one(warm_up(), record=False) for _ in range(concurrency)))
        await asyncio.gather(*(one(b) for b in bodies))
    return latencies


def report(name: str, latencies: list[float]) -> float:
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    print(
        f"{name:<28} n={len(latencies):4d}  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
        f"max {max(latencies) * 1000:6.1f} ms  mean {statistics.mean(latencies) * 1000:6.1f} ms"
    )
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3198")
    redmine_url, key = start_redmine()
    data = seed(redmine_url, key)
    support_port, service_port, bare_port = free_port(), free_port(), free_port()
    support = f"http://127.0.0.1:{support_port}"
    processes = [
        start(
            [
                sys.executable,
                "-m",
                "bench.ack_support",
                str(support_port),
                redmine_url,
                str(args.delay),
            ]
        )
    ]
    try:
        wait_until_up(f"{support}/_state")
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": f"{support}/api/",
                "REDMINE_URL": f"{support}/redmine",
                "REDMINE_API_KEY": key,
                "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": SECRET_KEY,
                "HOST": "127.0.0.1",
                "PORT": str(service_port),
                "LOG_LEVEL": "WARNING",
                # The held requests pile up behind one single-threaded Redmine: the last
                # of 200 creates is served about 20 s after it was sent.
                "REDMINE_TIMEOUT": "60",
            }
            processes.append(start([str(VENV_BIN / "redmine-slack"), "web"], env))
            processes.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "bench.ack_support",
                        "--bare",
                        str(bare_port),
                        f"{support}/api/",
                    ]
                )
            )
            service, bare = f"http://127.0.0.1:{service_port}", f"http://127.0.0.1:{bare_port}"
            wait_until_up(f"{service}/healthz", timeout=120)
            wait_until_up(f"{bare}/", timeout=60)
            response_url = f"{support}/response/bench"
            run_tag = uuid.uuid4().hex[:8]
            texts = [f"create alpha Benchmark {run_tag} {n}" for n in range(args.requests)]
            bodies = [command_body(t, user_id="UALICE", response_url=response_url) for t in texts]

            def warm() -> str:
                # Slack gives each command its own trigger_id: a repeated body is a replay.
                trigger = f"T.{uuid.uuid4().hex}"
                return command_body("help", response_url=response_url, trigger_id=trigger)

            print(
                f"{args.requests} signed /redmine create, {args.concurrency} at a time, "
                f"Redmine held {args.delay:.1f} s per request"
            )
            unloaded = [warm() for _ in range(50)]
            report("bare Bolt app, 1 at a time", asyncio.run(load(bare, unloaded, 1, warm)))
            report("redmine-slack, 1 at a time", asyncio.run(load(service, unloaded, 1, warm)))
            bare_p99 = report(
                "bare Bolt app (ack only)", asyncio.run(load(bare, bodies, args.concurrency, warm))
            )
            started = time.perf_counter()
            p99 = report(
                "redmine-slack", asyncio.run(load(service, bodies, args.concurrency, warm))
            )
            while httpx.get(f"{support}/_state").json()["answers"] < args.requests:
                if time.perf_counter() - started > 900:
                    raise RuntimeError("the service did not answer every command")
                time.sleep(0.5)
            created = issues_tagged(redmine_url, key, run_tag)
            if created != args.requests:
                texts = httpx.get(f"{support}/_state").json()["texts"]
                refusals = Counter(t for t in texts if " created #" not in t)
                raise RuntimeError(
                    f"{created} of {args.requests} issues reached Redmine; answers: {refusals}"
                )
            print(
                f"all {args.requests} issues created in Redmine and answered in Slack "
                f"{time.perf_counter() - started:.1f} s after the first request"
            )
            print(
                f"p99 redmine-slack / bare Bolt: {p99 / bare_p99:.2f}x "
                "(goals: p99 < 100 ms, <= 1.5x the bare app)"
            )
            count_requests(support, service, data.projects, redmine_url, key)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def issues_tagged(redmine_url: str, key: str, tag: str) -> int:
    answer = httpx.get(
        f"{redmine_url}/issues.json",
        params={"status_id": "*", "subject": f"~{tag}", "limit": 1},
        headers={"X-Redmine-API-Key": key},
    )
    answer.raise_for_status()
    total: int = answer.json()["total_count"]
    return total


def count_requests(
    support: str, service: str, projects: dict[str, int], redmine_url: str, key: str
) -> None:
    httpx.post(f"{support}/_state", json={"delay": 0})
    issue_id = httpx.get(
        f"{redmine_url}/issues.json", params={"limit": 1}, headers={"X-Redmine-API-Key": key}
    ).json()["issues"][0]["id"]

    def send(text: str) -> list[str]:
        before: dict[str, Any] = httpx.get(f"{support}/_state").json()
        body = command_body(
            text,
            user_id="UALICE",
            response_url=f"{support}/response/count",
            trigger_id=f"T.{uuid.uuid4().hex}",  # each command its own, as Slack does
        )
        httpx.post(f"{service}/slack/events", content=body.encode(), headers=signed_headers(body))
        for _ in range(600):
            after: dict[str, Any] = httpx.get(f"{support}/_state").json()
            if after["answers"] > before["answers"]:
                requests: list[str] = after["requests"][len(before["requests"]) :]
                return requests
            time.sleep(0.05)
        raise RuntimeError(f"no answer to {text}")

    for warm_up in (
        "create alpha warm",
        f"log {issue_id} 0.25 development warm",
        f"show {issue_id}",
    ):
        send(warm_up)
    print("Redmine requests per command, caches warm (goal: create, note, log: 1 each):")
    for name, text in [
        ("create", "create alpha counted"),
        ("note", f"note {issue_id} counted"),
        ("log", f"log {issue_id} 0.5 development counted"),
        ("show", f"show {issue_id}"),
        ("mine", "mine"),
        ("search", "search Benchmark"),
    ]:
        made = send(text)
        print(f"  {name:<7} {len(made)}  {', '.join(made)}")


if __name__ == "__main__":
    main()
