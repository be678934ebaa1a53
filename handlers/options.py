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

from bot.actions.choices import assignee_choices
from bot.actions.issue_form import issue_picks, issue_projects
from bot.actions.log_time import project_activities
from bot.blocks import edit_modal, modals
from bot.blocks.common import OPTIONS_LIMIT, option
from bot.blocks.metadata import ModalContext
from bot.i18n import _
from bot.people.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError
from bot.slack import limits
from bot.slack.door.payloads import BlockSuggestion
from handlers.asked import Asked

log = logging.getLogger(__name__)

# Inside Slack's three seconds, with room for the answer to travel back.
OPTIONS_DEADLINE = limits.ACK_SECONDS - 0.5

# Choices for an external select, from the person's view of Redmine and the modal so far.
Loader = Callable[[Redmine, dict[str, Any]], Awaitable[list[tuple[str, str]]]]


def answering_from(loader: Loader) -> Callable[[AsyncAck, Asked], Awaitable[None]]:
    """The options listener of one loader (Bolt passes listeners only what they name, so
    the loader is closed over rather than bound with functools.partial)."""

    async def answer(ack: AsyncAck, asked: Asked) -> None:
        await answer_options(ack, asked, loader)

    return answer


async def answer_options(ack: AsyncAck, asked: Asked, loader: Loader) -> None:
    """The loader's choices matching what was typed, under the deadline; none past it."""
    suggestion = BlockSuggestion.model_validate(asked.body)
    view = asked.body.get("view") or {}
    # People write issue numbers as `#12`: the `#` is not part of any label searched.
    query = suggestion.value.strip().lower().lstrip("#")
    try:
        async with asyncio.timeout(OPTIONS_DEADLINE):
            choices = await loader(await asked.redmine(), view)
    except (NotLinked, RedmineError, TimeoutError) as error:
        log.info("no options for %s: %s", suggestion.action_id, type(error).__name__)
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
    return [(_("Nobody"), edit_modal.NOBODY), *await assignee_choices(redmine, form_project(view))]


async def _issue_projects(redmine: Redmine, _view: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.name, str(p.id)) for p in await issue_projects(redmine)]


async def _issue_picks(redmine: Redmine, _view: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f"#{i.id} {i.subject}", str(i.id)) for i in await issue_picks(redmine)]


async def _activities(redmine: Redmine, view: dict[str, Any]) -> list[tuple[str, str]]:
    # The issue's project, written by the views.update that followed naming the issue;
    # before that, the global list (the activity is checked against the issue on submit).
    return [(a.name, str(a.id)) for a in await project_activities(redmine, form_project(view))]


def register(app: AsyncApp) -> None:
    app.options(modals.ISSUE_PROJECT)(answering_from(_issue_projects))
    app.options(modals.ISSUE_PICK)(answering_from(_issue_picks))
    app.options(modals.ACTIVITY)(answering_from(_activities))
    app.options(modals.ISSUE_ASSIGNEE)(answering_from(_assignees))
    app.options(edit_modal.EDIT_ASSIGNEE_SEARCH)(answering_from(_edit_assignees))
