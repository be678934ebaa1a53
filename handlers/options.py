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

from bot import limits
from bot.actions.choices import (
    assignee_choices,
    priority_choices,
    project_choices,
    tracker_choices,
)
from bot.actions.issue_form import issue_picks, issue_projects, project_activities
from bot.blocks import modals
from bot.blocks.common import OPTIONS_LIMIT, option
from bot.blocks.message_context import MessageContext
from bot.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError
from bot.services import Services
from handlers.common import acting_as

log = logging.getLogger(__name__)

# Inside Slack's three seconds, with room for the answer to travel back.
OPTIONS_DEADLINE = limits.ACK_SECONDS - 0.5

# Choices for an external select, from the person's view of Redmine and the modal so far.
ViewLoader = Callable[[Redmine, dict[str, Any]], Awaitable[list[tuple[str, str]]]]


def options_from(services: Services, loader: ViewLoader) -> Callable[..., Awaitable[None]]:
    """An options listener: the loader's choices matching what was typed, under the deadline."""

    async def handler(ack: AsyncAck, body: dict[str, Any]) -> None:
        # People write issue numbers as `#12`: the `#` is not part of any label searched.
        query = str(body.get("value") or "").strip().lower().lstrip("#")
        try:
            async with asyncio.timeout(OPTIONS_DEADLINE):
                _, redmine = await acting_as(services, body["user"]["id"])
                choices = await loader(redmine, body.get("view") or {})
        except (NotLinked, RedmineError, TimeoutError) as error:
            log.info("no options for %s: %s", body.get("action_id"), type(error).__name__)
            choices = []
        matching = [(label, value) for label, value in choices if query in label.lower()]
        await ack(options=[option(label, value) for label, value in matching[:OPTIONS_LIMIT]])

    return handler


def form_project(view: dict[str, Any]) -> int | None:
    """The project a form's dependent inputs were built for.

    Slack's block_suggestion carries no form state (`view.state.values` is empty; see
    tests/contract), so the project is read from private_metadata, where the
    `views.update` that followed the project choice wrote it; never from the state.
    """
    return MessageContext.decode(view.get("private_metadata")).project_id


def register(app: AsyncApp, services: Services) -> None:
    chosen_project = form_project

    app.options(modals.PROJECT)(options_from(services, lambda r, _: project_choices(r)))
    app.options(modals.TRACKER)(
        options_from(services, lambda r, view: tracker_choices(r, chosen_project(view)))
    )
    app.options(modals.PRIORITY)(options_from(services, lambda r, _: priority_choices(r)))
    app.options(modals.ASSIGNEE)(
        options_from(services, lambda r, view: assignee_choices(r, chosen_project(view)))
    )
    register_message_options(app, services)


# -- the message shortcuts' forms -------------------------------------------------------


async def _issue_project_choices(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.name, str(p.id)) for p in await issue_projects(redmine)]


async def _issue_pick_choices(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"#{i.id} {i.subject}", str(i.id)) for i in await issue_picks(redmine)]


async def _activity_choices(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    # The issue's project, written by the views.update that followed naming the issue;
    # before that, the global list (the activity is checked against the issue on submit).
    return [(a.name, str(a.id)) for a in await project_activities(redmine, form_project(view))]


async def _issue_assignee_choices(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    return await assignee_choices(redmine, form_project(view))


def register_message_options(app: AsyncApp, services: Services) -> None:
    app.options(modals.ISSUE_PROJECT)(options_from(services, _issue_project_choices))
    app.options(modals.ISSUE_PICK)(options_from(services, _issue_pick_choices))
    app.options(modals.ACTIVITY)(options_from(services, _activity_choices))
    app.options(modals.ISSUE_ASSIGNEE)(options_from(services, _issue_assignee_choices))
