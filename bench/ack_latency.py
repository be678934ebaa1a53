"""Ack latency under a slow Redmine, against a bare Bolt app; Redmine requests per command.

    .venv/bin/python -m bench.ack_latency [--requests 200] [--concurrency 50] [--delay 2.0]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine, puts a
proxy in front of it that holds every request for --delay seconds, runs the service and
the fake Slack on loopback, and sends signed `/redmine create` requests. Prints p50/p99
time to the HTTP answer for the service and for a bare Bolt app that only acks, then the
number of Redmine requests `create`, `note`, `log` make once caches are warm.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import create_app
from handlers import register_all
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import BOT_TOKEN, ServerThread, start_fake_slack
from tests.support.signing import SIGNING_SECRET, command_body, signed_headers


class DelayingProxy:
    """Forwards to Redmine after `delay` seconds; counts what passes through."""

    def __init__(self, upstream: str, delay: float) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay
        self.requests: list[str] = []
        self.client: httpx.AsyncClient | None = None

    async def handle(self, request: Request) -> Response:
        if self.client is None:
            self.client = httpx.AsyncClient(timeout=60)
        self.requests.append(f"{request.method} {request.url.path}")
        await asyncio.sleep(self.delay)
        upstream = await self.client.request(
            request.method,
            self.upstream + request.url.path,
            params=request.query_params,
            content=await request.body(),
            headers={
                k: v
                for k, v in request.headers.items()
                if k.lower() not in {"host", "content-length"}
            },
        )
        headers = {
            k: v
            for k, v in upstream.headers.items()
            if k.lower()
            not in {"content-length", "transfer-encoding", "content-encoding", "connection"}
        }
        return Response(upstream.content, upstream.status_code, headers=headers)

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route(
                    "/{path:path}", self.handle, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]
                )
            ]
        )


def bare_bolt_app(slack_api_url: str) -> Starlette:
    bolt = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=slack_api_url),
        signing_secret=SIGNING_SECRET,
    )

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    bolt.command("/redmine")(only_ack)
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


async def load(url: str, bodies: list[str], concurrency: int) -> list[float]:
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(body: str) -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.post(
                    f"{url}/slack/events", content=body.encode(), headers=signed_headers(body)
                )
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"answer {response.status_code}: {response.text[:200]}")

        await asyncio.gather(*(one(b) for b in bodies))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def report(name: str, latencies: list[float]) -> tuple[float, float]:
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    print(
        f"{name:<28} n={len(latencies):4d}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
        f"mean {statistics.mean(latencies) * 1000:7.1f} ms"
    )
    return p50, p99


def command_bodies(texts: list[str], response_url: str) -> list[str]:
    return [command_body(t, user_id="UALICE", response_url=response_url) for t in texts]


def count_requests(proxy: DelayingProxy, fake: Any, url: str, text: str) -> list[str]:
    before = len(proxy.requests)
    answers_before = len(fake.of("response_url"))
    body = command_body(text, user_id="UALICE", response_url=fake.response_url())
    httpx.post(
        f"{url}/slack/events", content=body.encode(), headers=signed_headers(body), timeout=30
    )
    fake.wait_for("response_url", count=answers_before + 1, timeout=60)
    return proxy.requests[before:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3198")

    redmine_url, key = start_redmine()
    data = seed(redmine_url, key)
    fake, fake_server = start_fake_slack()
    add_slack_users(fake)
    proxy = DelayingProxy(redmine_url, args.delay)
    proxy_server = ServerThread(proxy.asgi(), lifespan="off").start()
    data.url = proxy_server.url
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(data, fake, Path(tmp) / "bench.sqlite3")
        service = ServerThread(create_app(settings, register_all)).start()
        bare = ServerThread(bare_bolt_app(fake.base_url + "api/")).start()
        try:
            texts = [f"create alpha Benchmark issue {n}" for n in range(args.requests)]
            bodies = command_bodies(texts, fake.response_url())
            print(
                f"{args.requests} signed /redmine create, {args.concurrency} at a time, "
                f"Redmine delayed {args.delay:.1f} s per request"
            )
            asyncio.run(
                load(bare.url, command_bodies(["create warm up"] * 5, fake.response_url()), 5)
            )
            _, bare_p99 = report(
                "bare Bolt app (ack only)", asyncio.run(load(bare.url, bodies, args.concurrency))
            )
            started = time.perf_counter()
            _, p99 = report(
                "redmine-slack", asyncio.run(load(service.url, bodies, args.concurrency))
            )
            fake.wait_for("response_url", count=args.requests, timeout=600)
            print(
                f"all {args.requests} issues created and answered {time.perf_counter() - started:.1f} s "
                "after the first request"
            )
            print(
                f"p99 ratio redmine-slack / bare Bolt: {p99 / bare_p99:.2f}x  (goal: p99 < 100 ms, <= 1.5x)"
            )

            proxy.delay = 0.0
            issue_id = int(
                httpx.get(
                    f"{redmine_url}/issues.json",
                    params={"limit": 1},
                    headers={"X-Redmine-API-Key": key},
                ).json()["issues"][0]["id"]
            )
            for text in (f"create alpha warm {n}" for n in range(2)):
                count_requests(proxy, fake, service.url, text)
            count_requests(proxy, fake, service.url, f"log {issue_id} 0.25 development warm")
            print("Redmine requests per command, caches warm:")
            for name, text in [
                ("create", "create alpha counted"),
                ("note", f"note {issue_id} counted"),
                ("log", f"log {issue_id} 0.5 development counted"),
                ("show", f"show {issue_id}"),
            ]:
                made = count_requests(proxy, fake, service.url, text)
                print(f"  {name:<7} {len(made)}  {', '.join(made)}")
        finally:
            service.stop()
            bare.stop()
            proxy_server.stop()
            fake_server.stop()


if __name__ == "__main__":
    main()
