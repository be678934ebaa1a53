"""When a listener fails: Slack still gets its ack, and the person hears what happened."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import describe
from bot.blocks.modals import message_view
from bot.i18n import N_, _
from bot.slack.door.replay import ReplayRefused
from handlers.asked import tell

log = logging.getLogger("redmine_slack.handlers")

ACK_SEEN_SECONDS = 0.05
UNHANDLED = N_(
    "This app does not know that request (a button or form from an older version, "
    "perhaps), so nothing was done. Run the command or shortcut again."
)


def ack_with(body: dict[str, Any], sentence: str) -> BoltResponse:
    """The ack each kind of request expects, carrying the sentence where Slack shows one."""
    answer: dict[str, Any] = {}
    if "command" in body:
        answer = {"response_type": "ephemeral", "text": sentence}
    elif body.get("type") == "block_suggestion":
        answer = {"options": []}
    elif body.get("type") == "view_submission":
        answer = {"response_action": "update", "view": message_view("Redmine", sentence)}
    if not answer:
        return BoltResponse(status=200, body="")
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


async def on_listener_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    client: AsyncWebClient,
) -> BoltResponse | None:
    if isinstance(error, ReplayRefused):
        return await refused_replay(error, body, response, client)
    if isinstance(error, BoltUnhandledRequestError):
        # Slack's shape, but nothing here takes it (a button or form of an older
        # version, a shortcut not set up): acked, not Bolt's 404 that Slack shows as
        # an error, and said in one line.
        log.info("no listener for a Slack request (%s)", body.get("type") or "command")
        return ack_with(body, _(UNHANDLED)) if response is not None else None
    log.error("a Slack listener failed", exc_info=error)
    sentence = describe(error)
    if response is not None:  # not acked yet: the ack is the answer
        acked = ack_with(body, sentence)
        if acked.body:
            return acked
    await tell_who_asked(client, body, sentence)
    if response is not None:
        return BoltResponse(status=200, body="")
    # Acked already. Bolt sets the ack's response to None once this handler returns
    # (slack_bolt/listener/asyncio_runner.py, the "already acknowledged" branch), and
    # the request is still waiting on that ack, polling every 10 ms: a failure right
    # after the ack would turn into no answer at all. Let the waiter see the ack first.
    await asyncio.sleep(ACK_SEEN_SECONDS)
    return None


async def refused_replay(
    error: ReplayRefused,
    body: dict[str, Any],
    response: BoltResponse | None,
    client: AsyncWebClient,
) -> BoltResponse | None:
    """The shared replay record stopped the listener at its ack (bot/slack/door/replay.py):
    a replay gets nothing, or 401 while still unacked; a failed check, its sentence."""
    if response is not None:  # refused before its answer went out
        if error.sentence is None:
            return BoltResponse(status=401, body="replayed request")
        return ack_with(body, error.sentence)
    if error.sentence is not None:
        await tell_who_asked(client, body, error.sentence)
    await asyncio.sleep(ACK_SEEN_SECONDS)  # as below: the waiter must see the ack first
    return None


async def tell_who_asked(client: AsyncWebClient, body: dict[str, Any], sentence: str) -> None:
    """Say it to the person in the request (ephemeral where they are, else a DM)."""
    user_id = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    if not isinstance(user_id, str):
        return
    try:
        await tell(client, channel if isinstance(channel, str) else None, user_id, sentence)
    except SlackApiError as failure:
        log.info("could not tell %s: %s", user_id, failure.response.get("error"))


def register(app: AsyncApp) -> None:
    app.error(on_listener_error)
