"""The /slack/events route: the boundary's checks in order, then Bolt on a verified dict.

Bolt is handed the body we parsed and checked, never the raw bytes, so its own parser
(which runs before any check and mis-reads a command whose text holds "payload") is
never reached by what a stranger sent.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.slack.door.door import Door
from bot.slack.door.guard import CHECKED, dropped, refusal
from bot.slack.door.payloads import check
from bot.slack.door.replay import GatedAck
from bot.slack.door.verify import MAX_BODY_BYTES, Refusal, too_large, verify

log = logging.getLogger(__name__)

# A too-large body is still read (and dropped) up to this size so the sender gets its 413
# instead of a reset connection; a larger one is cut off.
DRAIN_BYTES = 4 * MAX_BODY_BYTES


async def read_capped(request: Request) -> bytes | Refusal:
    """The body, or a refusal once it passes MAX_BODY_BYTES; nothing past that is kept."""
    refused = too_large(request.headers.get("content-length"))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if refused is None and size > MAX_BODY_BYTES:
            refused = Refusal(413, "request body too large")
        if refused is not None:
            chunks.clear()
            if size > DRAIN_BYTES:
                break  # past this, the connection is dropped rather than read to the end
            continue  # read and dropped, so the client hears the answer
        chunks.append(chunk)
    return refused if refused is not None else b"".join(chunks)


def answer(refused: Refusal) -> Response:
    # One short line whatever the request held: no body, no header value.
    log.info("refused a request on /slack/events: %s (%d)", refused.reason, refused.status)
    return PlainTextResponse(refused.reason, status_code=refused.status)


# Options requests only ask what a select offers; nothing is written. A person who opens
# the same select twice within a second makes Slack send the same bytes twice, and the
# second must be answered too, not refused as a replay.
READ_ONLY = frozenset({"block_suggestion"})


async def handle(
    request: Request, bolt: AsyncApp, signing_secret: str | None, door: Door
) -> Response:
    body = await read_capped(request)
    if isinstance(body, Refusal):
        return answer(body)
    headers = {key.lower(): value for key, value in request.headers.items()}
    verified = verify(signing_secret, headers, body)
    if isinstance(verified, Refusal):
        return answer(verified)
    problem = check(verified.body)
    if problem is not None:
        return to_starlette_response(refusal(problem, door.default_locale))
    kind = verified.body.get("type")
    if kind == "event_callback" and not await door.relevance.concerns_us(verified.body["event"]):
        # Events are taken once by their event_id (a retry is signed afresh), and only
        # those that concern us are recorded at all: the chatter costs no write.
        return to_starlette_response(dropped())
    bolt_request = AsyncBoltRequest(body="", headers=dict(request.headers), mode="http")
    # Hand Bolt the checked dict in place of its own parse of the raw text.
    bolt_request.raw_body = body.decode("utf-8")
    bolt_request.body = verified.body
    try:
        bolt_request.context = build_async_context(AsyncBoltContext({}), verified.body)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as error:
        # Bolt reads a dozen optional fields to build its context; the shape check covers
        # those we know of, and this covers any it reads that Slack's shape did not name.
        return answer(Refusal(400, f"not a Slack payload ({type(error).__name__})"))
    bolt_request.context[CHECKED] = True
    if kind != "event_callback" and kind not in READ_ONLY:
        # This process's record first (a replay it saw: 401 now); the shared one is
        # written meanwhile, and the listener's ack waits on it (door/replay.py).
        verdict = door.replays.claim_signature(verified.timestamp, verified.signature)
        if verdict is None:
            return answer(Refusal(401, "replayed request"))
        ack = GatedAck(verdict, door.replays.hurry)
        bolt_request.context["ack"] = ack  # Bolt hands it on as `ack`
        return to_starlette_response(await answer_at_ack(bolt, bolt_request, ack))
    return to_starlette_response(await bolt.async_dispatch(bolt_request))


# Bolt's dispatches still running after their ack was answered (kept from the collector).
_DISPATCHING: set[asyncio.Task[BoltResponse]] = set()


async def answer_at_ack(bolt: AsyncApp, request: AsyncBoltRequest, ack: GatedAck) -> BoltResponse:
    """Bolt's answer, or the ack the moment the listener gives it.

    Bolt (process_before_response off) runs the listener as a task and looks every 10 ms
    whether it acked (slack_bolt/listener/asyncio_runner.py); the response it then
    returns is that ack's. Answering from the ack itself saves the wait for the next look;
    whatever else ends the dispatch (no listener, a failure before the ack) is Bolt's.
    """
    dispatch = asyncio.ensure_future(bolt.async_dispatch(request))
    acked = asyncio.ensure_future(ack.acked.wait())
    await asyncio.wait((dispatch, acked), return_when=asyncio.FIRST_COMPLETED)
    response = ack.response
    if dispatch.done() or response is None:
        acked.cancel()
        return await dispatch
    _DISPATCHING.add(dispatch)
    dispatch.add_done_callback(_dispatched)
    return response


def _dispatched(dispatch: asyncio.Task[BoltResponse]) -> None:
    _DISPATCHING.discard(dispatch)
    if not dispatch.cancelled() and dispatch.exception() is not None:
        log.warning("Bolt's dispatch failed after the ack: %s", type(dispatch.exception()).__name__)
