"""Bolt's side of the boundary: every payload's shape is checked before a listener runs.

Registered as Bolt global middleware, so it holds for Socket Mode too (where there is no
HTTP signature to check). Also keeps Bolt from writing request bodies into our log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.i18n import N_, SOURCE_LANGUAGE, _, translator_for, using
from bot.slack.door.door import Door
from bot.slack.door.payloads import ShapeProblem, check

log = logging.getLogger(__name__)

NOT_SLACKS_SHAPE = N_(
    "That request did not come in the shape Slack sends, so nothing was done. "
    "Try again; if it keeps happening, tell whoever runs redmine-slack."
)


def refusal(problem: ShapeProblem, default_locale: str = SOURCE_LANGUAGE) -> BoltResponse:
    """A slash command is acked with a sentence the person sees; an event is acked and
    dropped (Slack would resend an event answered 4xx, and no person is waiting on it);
    anything else gets 400.

    The door runs before the person's language is known (handlers/asked.py asks Slack for
    it, for a payload whose shape passed): the sentence is in the team's DEFAULT_LOCALE.
    """
    log.info("refused a Slack payload (%s): %s", problem.kind, problem.reason)
    if problem.kind == "event":
        return BoltResponse(status=200, body="")
    with using(translator_for(None, default_locale)):
        sentence = _(NOT_SLACKS_SHAPE)
    if problem.kind == "command":
        body = json.dumps({"response_type": "ephemeral", "text": sentence})
        return BoltResponse(status=200, body=body, headers={"content-type": "application/json"})
    return BoltResponse(status=400, body=sentence)


# Set in a request's context by the route once the shape was checked there (HTTP), so
# the middleware does not check it a second time; Socket Mode requests lack it.
CHECKED = "door_checked"


def dropped() -> BoltResponse:
    """The ack of an event taken no further (a fresh one each time: Bolt may add headers)."""
    return BoltResponse(status=200, body="")


def install(bolt: AsyncApp, door: Door) -> None:
    """Check every payload's shape, drop the events that concern nothing we do, and take
    each remaining event once, before any listener."""

    async def shape_first(
        req: AsyncBoltRequest, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        if not req.context.get(CHECKED):
            problem = check(req.body)
            if problem is not None:
                return refusal(problem, door.default_locale)
        if req.body.get("type") == "event_callback":
            if not await door.relevance.concerns_us(req.body["event"]):
                return dropped()  # acked: Slack must not resend it; nothing was written
            if not await first_event(req.body):
                return dropped()  # Slack's retry of an event already taken
        return await next()

    async def first_event(body: dict[str, Any]) -> bool:
        try:
            return await door.replays.first_event(str(body["event_id"]))
        except SQLAlchemyError as error:
            # Taking an event twice only unfurls twice; dropping it loses it: go on.
            log.warning(
                "could not record Slack event %s: %s", body["event_id"], type(error).__name__
            )
            return True

    bolt.middleware(shape_first)
    quiet_bolt_loggers()


class NoRequestBodies(logging.Filter):
    """Bolt writes request bodies into some lines (unhandled requests, middleware that did
    not answer). A body can hold a person's API key, and anyone could fill our log with
    one, so those lines keep their first words only, and no Bolt line runs long."""

    LIMIT = 300
    BODY_MARKERS = ("Unhandled request", "without providing a response for the request")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for marker in self.BODY_MARKERS:
            if marker in message:
                record.msg, record.args = f"{marker} (body not logged)", ()
                return True
        if len(message) > self.LIMIT:
            record.msg, record.args = message[: self.LIMIT] + " [cut]", ()
        return True


_FILTER = NoRequestBodies()


def quiet_bolt_loggers() -> None:
    """Put the filter on every Bolt logger (filters do not pass down to child loggers)."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("slack_bolt")]
    for name in ["slack_bolt", *names]:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
