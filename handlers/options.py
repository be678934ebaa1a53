"""External select options (project, issue, activity, assignee past 100), from cached Redmine data.

Options must be answered inside Slack's three seconds, with the data, so Redmine is
asked under a deadline and the answer comes from the adapter's TTL cache when warm.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.actions.choices import (
    assignee_choices,
)
from bot.actions.issue_form import issue_picks, issue_projects
from bot.actions.log_time import project_activities
from bot.blocks import edit_modal, modals
from bot.blocks.common import OPTIONS_LIMIT, option
from bot.blocks.metadata import ModalContext
from bot.people.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError
from bot.services import Services
from bot.slack import limits
from bot.slack.door.payloads import BlockSuggestion
from handlers.common import acting_as, providing

log = logging.getLogger(__name__)

# Inside Slack's three seconds, with room for the answer to travel back.
OPTIONS_DEADLINE = limits.ACK_SECONDS - 0.5

# Choices for an external select, from the person's view of Redmine and the modal so far.
Loader = Callable[[Redmine, dict[str, Any]], Awaitable[list[tuple[str, str]]]]


async def answer_options(
    ack: AsyncAck, body: dict[str, Any], services: Services, loader: Loader
) -> None:
    """The loader's choices matching what was typed, under the deadline; none past it."""
    asked = BlockSuggestion.model_validate(body)
    view = body.get("view") or {}
    # People write issue numbers as `#12`: the `#` is not part of any label searched.
    query = asked.value.strip().lower().lstrip("#")
    try:
        async with asyncio.timeout(OPTIONS_DEADLINE):
            _, redmine = await acting_as(services, asked.user.id)
            choices = await loader(redmine, view)
    except (NotLinked, RedmineError, TimeoutError) as error:
        log.info("no options for %s: %s", asked.action_id, type(error).__name__)
        choices = []
    matching = [(label, value) for label, value in choices if query in label.lower()]
    await ack(options=[option(label, value) for label, value in matching[:OPTIONS_LIMIT]])


def form_project(view: dict[str, Any]) -> int | None:
    """The project a form's dependent inputs were built for.

    Slack's block_suggestion carries no form state (`view.state.values` is empty; see
    tests/contract), so the project is read from private_metadata, where the
    `views.update` that followed the project choice wrote it; never from the state.
    """
    return ModalContext.decode(view.get("private_metadata")).project_id


# -- loaders: the person's Redmine and the form -> (label, value) choices -------------------


async def _assignees(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    return await assignee_choices(redmine, form_project(view))


async def _edit_assignees(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    # The Edit form of an issue may take its assignee away: "Nobody" comes first.
    return [("Nobody", edit_modal.NOBODY), *await assignee_choices(redmine, form_project(view))]


async def _issue_projects(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.name, str(p.id)) for p in await issue_projects(redmine)]


async def _issue_picks(redmine: Redmine, _: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"#{i.id} {i.subject}", str(i.id)) for i in await issue_picks(redmine)]


async def _activities(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    # The issue's project, written by the views.update that followed naming the issue;
    # before that, the global list (the activity is checked against the issue on submit).
    return [(a.name, str(a.id)) for a in await project_activities(redmine, form_project(view))]


# -- listeners ------------------------------------------------------------------------------


async def on_assignees(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    await answer_options(ack, body, services, _assignees)


async def on_edit_assignees(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    await answer_options(ack, body, services, _edit_assignees)


async def on_issue_projects(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    await answer_options(ack, body, services, _issue_projects)


async def on_issue_picks(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    await answer_options(ack, body, services, _issue_picks)


async def on_activities(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    await answer_options(ack, body, services, _activities)


def register(app: AsyncApp, services: Services) -> None:
    provide = [providing(services)]
    app.options(modals.ISSUE_PROJECT, middleware=provide)(on_issue_projects)
    app.options(modals.ISSUE_PICK, middleware=provide)(on_issue_picks)
    app.options(modals.ACTIVITY, middleware=provide)(on_activities)
    app.options(modals.ISSUE_ASSIGNEE, middleware=provide)(on_assignees)
    app.options(edit_modal.EDIT_ASSIGNEE_SEARCH, middleware=provide)(on_edit_assignees)
