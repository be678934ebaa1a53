"""External select options (project, tracker, priority, assignee), from cached Redmine data.

Options must be answered inside Slack's three seconds, with the data, so Redmine is
asked under a deadline and the answer comes from the adapter's TTL cache when warm.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.blocks import modals
from bot.blocks.common import OPTIONS_LIMIT, option
from bot.commands.choices import (
    assignee_choices,
    priority_choices,
    project_choices,
    tracker_choices,
)
from bot.forms import selected_int
from bot.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError
from bot.services import Services
from handlers.common import acting_as

log = logging.getLogger(__name__)

OPTIONS_DEADLINE = 2.5

Loader = Callable[[Redmine, int | None], Awaitable[list[tuple[str, str]]]]


def register(app: AsyncApp, services: Services) -> None:
    def options_for(loader: Loader) -> Callable[..., Awaitable[None]]:
        async def handler(ack: AsyncAck, body: dict[str, Any]) -> None:
            query = str(body.get("value") or "").strip().lower()
            project_id = selected_int(body.get("view") or {}, modals.PROJECT)
            try:
                async with asyncio.timeout(OPTIONS_DEADLINE):
                    _, redmine = await acting_as(services, body["user"]["id"])
                    choices = await loader(redmine, project_id)
            except (NotLinked, RedmineError, TimeoutError) as error:
                log.info("no options for %s: %s", body.get("action_id"), type(error).__name__)
                choices = []
            matching = [(label, value) for label, value in choices if query in label.lower()]
            await ack(options=[option(label, value) for label, value in matching[:OPTIONS_LIMIT]])

        return handler

    app.options(modals.PROJECT)(options_for(lambda redmine, _: project_choices(redmine)))
    app.options(modals.TRACKER)(options_for(tracker_choices))
    app.options(modals.PRIORITY)(options_for(lambda redmine, _: priority_choices(redmine)))
    app.options(modals.ASSIGNEE)(options_for(assignee_choices))
