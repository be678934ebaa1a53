"""The shape check as Bolt middleware: it holds for Socket Mode, where nothing is signed.

Socket Mode hands Bolt the payload as a dict (slack_bolt/adapter/socket_mode: the
envelope's `payload`), which is what these requests carry.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.slack.door import guard
from bot.slack.door.door import Door
from bot.slack.door.payloads import ShapeProblem
from bot.store import db
from bot.store.replies import ImportedReplyRepository
from tests.fixtures import load


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'guard.sqlite3'}")
    await db.migrate(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def door(engine: AsyncEngine) -> AsyncIterator[Door]:
    door = Door(db.session_factory(engine), REDMINE, engine)
    await door.start()  # nothing followed yet: the store is empty
    yield door
    await door.close()


@pytest.fixture
async def bolt(door: Door) -> AsyncIterator[tuple[AsyncApp, list[str]]]:
    app = AsyncApp(
        # Nothing here calls Slack: the authorization is given, the client goes nowhere.
        client=AsyncWebClient(base_url="http://127.0.0.1:9/api/"),
        authorize=authorized,
        request_verification_enabled=False,
    )
    guard.install(app, door)
    seen: list[str] = []

    @app.global_shortcut("create_issue_global")
    async def shortcut(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.append(body["user"]["id"])

    @app.event("link_shared")
    async def link_shared(event: dict[str, Any]) -> None:
        seen.append(event["message_ts"])

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        seen.append(event["ts"])

    yield app, seen


REDMINE = "https://x.test"


async def authorized(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UBOT", bot_id="B1"
    )


def socket_mode(body: dict[str, Any]) -> AsyncBoltRequest:
    return AsyncBoltRequest(body=body, mode="socket_mode")


async def test_a_payload_of_slacks_shape_reaches_its_listener(
    bolt: tuple[AsyncApp, list[str]],
) -> None:
    app, seen = bolt
    response = await app.async_dispatch(socket_mode(load("shortcut__global")))
    assert response.status == 200
    await _settle()
    assert seen == [load("shortcut__global")["user"]["id"]]


async def test_a_payload_without_slacks_shape_never_reaches_a_listener(
    bolt: tuple[AsyncApp, list[str]],
) -> None:
    app, seen = bolt
    payload = load("shortcut__global")
    del payload["user"]
    response = await app.async_dispatch(socket_mode(payload))
    assert response.status == 400
    assert seen == []


async def test_an_event_is_taken_once_by_its_id(bolt: tuple[AsyncApp, list[str]]) -> None:
    app, seen = bolt
    event = {
        "type": "event_callback",
        "event_id": "Ev1",
        "team_id": "T1",
        "event": {
            "type": "link_shared",
            "user": "U1",
            "channel": "C1",
            "message_ts": "1.2",
            "links": [{"domain": "x.test", "url": "https://x.test/issues/1"}],
        },
    }
    assert (await app.async_dispatch(socket_mode(event))).status == 200
    assert (await app.async_dispatch(socket_mode(event))).status == 200
    await _settle()
    assert seen == ["1.2"]


def chatter(event_id: str, **fields: str) -> dict[str, Any]:
    """A `message` event_callback as Slack sends it (docs.slack.dev/reference/events/message)."""
    message = {"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "2.1"}
    return {
        "type": "event_callback",
        "event_id": event_id,
        "team_id": "T1",
        "event": message | fields,
    }


async def test_chatter_is_acked_and_dropped_without_a_statement(
    bolt: tuple[AsyncApp, list[str]], engine: AsyncEngine
) -> None:
    app, seen = bolt
    statements: list[str] = []
    sa_event.listen(engine.sync_engine, "before_cursor_execute", _count(statements))
    top_level = chatter("Ev2")
    reply_elsewhere = chatter("Ev3", ts="2.2", thread_ts="1.9")
    link_elsewhere = {
        **chatter("Ev4"),
        "event": {
            "type": "link_shared",
            "user": "U1",
            "channel": "C1",
            "message_ts": "3.1",
            "links": [{"domain": "y.test", "url": "https://y.test/issues/1"}],
        },
    }
    for body in (top_level, reply_elsewhere, link_elsewhere):
        assert (await app.async_dispatch(socket_mode(body))).status == 200
    await _settle()
    assert seen == []
    assert statements == []
    # The count is real: an event about one of our issues is recorded (its event_id).
    ours = {**link_elsewhere, "event_id": "Ev6"}
    ours["event"] = {**link_elsewhere["event"], "links": [{"url": f"{REDMINE}/issues/1"}]}
    assert (await app.async_dispatch(socket_mode(ours))).status == 200
    await _settle()
    assert seen == ["3.1"]
    assert any("seen_slack_requests" in s for s in statements)


async def test_a_reply_in_a_thread_linked_to_an_issue_reaches_its_listener_once(
    bolt: tuple[AsyncApp, list[str]], engine: AsyncEngine
) -> None:
    app, seen = bolt
    async with db.session_factory(engine)() as session:
        await ImportedReplyRepository(session).link_thread("C1", "1.9", 7, private=False, by="U1")
        await session.commit()
    # No refresh awaited here: the door saw this process link the thread.
    reply = chatter("Ev5", ts="2.2", thread_ts="1.9")
    for _ in range(2):  # Slack's retry: the same event_id
        assert (await app.async_dispatch(socket_mode(reply))).status == 200
    await _settle()
    assert seen == ["2.2"]


def _count(statements: list[str]) -> Any:
    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    return count


async def _settle() -> None:
    await asyncio.sleep(0.2)  # events run after their ack


def test_bolt_lines_never_carry_a_request_body(caplog: pytest.LogCaptureFixture) -> None:
    guard.quiet_bolt_loggers()
    caplog.set_level(logging.DEBUG)
    secret = "0123456789abcdef0123456789abcdef01234567"
    logging.getLogger("slack_bolt").warning("Unhandled request ({'value': '%s'})", secret)
    logging.getLogger("slack_bolt").warning("x" * 5000)
    messages = [r.getMessage() for r in caplog.records]
    assert all(secret not in m for m in messages)
    assert all(len(m) < 400 for m in messages)


async def test_a_command_refused_at_the_door_is_told_in_default_locale(engine: AsyncEngine) -> None:
    # The door answers before anyone's own language is known: the team's DEFAULT_LOCALE.
    door = Door(db.session_factory(engine), REDMINE, engine, default_locale="ja")
    app = AsyncApp(
        client=AsyncWebClient(base_url="http://127.0.0.1:9/api/"),
        authorize=authorized,
        request_verification_enabled=False,
    )
    guard.install(app, door)
    command = {"command": "/redmine", "text": "x", "trigger_id": "t", "response_url": "u"}
    response = await app.async_dispatch(socket_mode(command))
    assert response.status == 200
    said = json.loads(response.body)
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("このリクエストは Slack が送る形式ではなかったため")
    # Anything else gets its 400 in the same words.
    assert guard.refusal(ShapeProblem("interaction", "x"), "de").body.startswith(
        "Diese Anfrage kam nicht in der Form, die Slack sendet"
    )
