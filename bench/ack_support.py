"""Helper processes for bench.ack_latency and bench.event_firehose (not benchmarks).

python -m bench.ack_support PORT REDMINE_URL DELAY   # fake Slack + delaying Redmine proxy
python -m bench.ack_support --bare PORT SLACK_API_URL  # a Bolt app that only acks (commands, message events)
"""

from __future__ import annotations

import asyncio
import sys

import httpx
import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from tests.integration.slack_harness import add_slack_users
from tests.support.fakeslack import BOT_TOKEN, FakeSlack
from tests.support.signing import SIGNING_SECRET

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}
# Alice's Redmine account again, for a Slack user whose Slack speaks Japanese: the same
# work as UALICE's, only the language differs (bench.ack_latency --languages).
JA_USER = "UALICEJA"


def support_app(port: int, upstream: str, delay: float) -> Starlette:
    fake = FakeSlack(base_url=f"http://127.0.0.1:{port}/")
    add_slack_users(fake)  # so each command finds its Redmine account by email
    fake.add_user(JA_USER, "alice@example.com", name="Alice", tz="Asia/Tokyo", locale="ja-JP")
    state = {"delay": delay, "requests": []}
    client = httpx.AsyncClient(timeout=60)

    async def proxy(request: Request) -> Response:
        path = "/" + request.path_params["path"]
        state["requests"].append(f"{request.method} {path}")  # type: ignore[attr-defined]
        await asyncio.sleep(float(state["delay"]))  # type: ignore[arg-type]
        answer = await client.request(
            request.method,
            upstream.rstrip("/") + path,
            params=request.query_params,
            content=await request.body(),
            headers={k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS},
        )
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        return Response(answer.content, answer.status_code, headers=headers)

    async def read_state(request: Request) -> Response:
        if request.method == "POST":
            state["delay"] = float((await request.json())["delay"])
        return JSONResponse(
            {
                "answers": len(fake.of("response_url")),
                "texts": [str(c.args.get("text", "")) for c in fake.of("response_url")],
                "requests": state["requests"],
            }
        )

    fake_routes = fake.asgi().routes
    return Starlette(
        routes=[
            Route("/_state", read_state, methods=["GET", "POST"]),
            Mount(
                "/redmine",
                routes=[
                    Route("/{path:path}", proxy, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
                ],
            ),
            *fake_routes,
        ]
    )


def bare_app(slack_api_url: str) -> Starlette:
    bolt = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=slack_api_url),
        signing_secret=SIGNING_SECRET,
    )

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    async def nothing() -> None:
        """Bolt acks an event itself before its listener runs."""

    bolt.command("/redmine")(only_ack)
    bolt.event("message")(nothing)
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def root(_: Request) -> Response:
        return Response("bare")

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/", root)])


def main() -> None:
    if sys.argv[1] == "--bare":
        port, slack_api_url = int(sys.argv[2]), sys.argv[3]
        uvicorn.run(bare_app(slack_api_url), host="127.0.0.1", port=port, log_level="warning")
        return
    port, upstream, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    uvicorn.run(
        support_app(port, upstream, delay), host="127.0.0.1", port=port, log_level="warning"
    )


if __name__ == "__main__":
    main()
