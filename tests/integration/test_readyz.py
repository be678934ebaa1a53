"""/readyz asks Redmine and the database each time, and says which one is missing."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import READY_TIMEOUT, create_app, database_readiness
from bot.store import db
from handlers import register_all
from tests.integration.slack_harness import settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread, free_port


def redmine_proxy(upstream: str) -> Starlette:
    """A loopback proxy in front of the real Redmine, to be stopped like a Redmine that dies."""

    async def forward(request: Request) -> Response:
        async with httpx.AsyncClient(base_url=upstream) as client:
            answer = await client.request(
                request.method,
                request.url.path,
                params=request.query_params,
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                content=await request.body(),
            )
        return Response(answer.content, answer.status_code, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "PUT"])])


@pytest.fixture
def proxy(redmine_seed: Seed) -> Iterator[ServerThread]:
    server = ServerThread(redmine_proxy(redmine_seed.url), lifespan="off").start()
    yield server
    server.stop()


def test_readyz_is_503_once_redmine_stops_and_200_while_it_answers(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path, proxy: ServerThread
) -> None:
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "ready.sqlite3", redmine_url=proxy.url
    )
    app = ServerThread(create_app(settings, register_all)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            ready = http.get(f"{app.url}/readyz")
            assert ready.status_code == 200
            assert ready.json() == {"ready": True, "redmine": "ok", "database": "ok"}

            proxy.stop()  # Redmine is gone: nothing listens on its port any more
            started = time.monotonic()
            down = http.get(f"{app.url}/readyz")
            assert time.monotonic() - started < READY_TIMEOUT + 1
            assert down.status_code == 503
            assert down.json() == {
                "ready": False,
                "redmine": "unreachable: Redmine refused the connection",
                "database": "ok",
            }
    finally:
        app.stop()


async def test_a_database_that_cannot_be_reached_is_named() -> None:
    with socket.socket() as probe:  # a free port, then closed: no database listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = db.create_engine(f"postgresql+asyncpg://nobody:nothing@127.0.0.1:{port}/none")
    try:
        assert await database_readiness(engine) == "unreachable"
    finally:
        await engine.dispose()


def test_readyz_answers_503_when_redmine_was_never_there(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "never.sqlite3",
        redmine_url=f"http://127.0.0.1:{free_port()}",
    )
    app = ServerThread(create_app(settings, register_all)).start()
    try:
        answer = httpx.get(f"{app.url}/readyz", timeout=30.0)
    finally:
        app.stop()
    assert answer.status_code == 503
    assert answer.json()["redmine"] == "unreachable: Redmine refused the connection"
