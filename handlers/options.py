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
from bot.commands.issue_form import issue_picks, issue_projects, project_activities
from bot.forms import read_issue_target, selected_int
from bot.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError, RedmineHTTPError
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
    register_message_options(app, services)


# -- the message shortcuts' forms -------------------------------------------------------

ViewLoader = Callable[[Redmine, dict[str, Any]], Awaitable[list[tuple[str, str]]]]


async def _issue_project_choices(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.name, str(p.id)) for p in await issue_projects(redmine)]


async def _issue_pick_choices(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"#{i.id} {i.subject}", str(i.id)) for i in await issue_picks(redmine)]


async def _activity_choices(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    # The issue typed or picked so far decides the project, hence its activities.
    issue_id, _ = read_issue_target(view)
    project_id = None
    if issue_id is not None:
        try:
            project_id = (await redmine.issues.get(issue_id)).project.id
        except RedmineHTTPError:
            project_id = None  # not visible (yet): the global list, checked on submission
    return [(a.name, str(a.id)) for a in await project_activities(redmine, project_id)]


async def _issue_assignee_choices(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    project_id = selected_int(view, modals.ISSUE_PROJECT)
    return await assignee_choices(redmine, project_id)


def register_message_options(app: AsyncApp, services: Services) -> None:
    def options_from(loader: ViewLoader) -> Callable[..., Awaitable[None]]:
        async def handler(ack: AsyncAck, body: dict[str, Any]) -> None:
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

    app.options(modals.ISSUE_PROJECT)(options_from(_issue_project_choices))
    app.options(modals.ISSUE_PICK)(options_from(_issue_pick_choices))
    app.options(modals.ACTIVITY)(options_from(_activity_choices))
    app.options(modals.ISSUE_ASSIGNEE)(options_from(_issue_assignee_choices))
