"""Block actions: the search "More" button."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import describe
from bot.actions.issue_form import issue_fields
from bot.blocks import modals
from bot.blocks.issues import SEARCH_MORE_ACTION, decode_search_page, search_results
from bot.blocks.modals import IssueFormState
from bot.commands.search import search_issues
from bot.forms import CreateIssueForm, MessageIssueForm
from bot.grammar import ascii_int
from bot.identity import NotLinked
from bot.redmine.errors import RedmineError
from bot.services import Services
from bot.text import escape_mrkdwn
from handlers.common import acting_as, answering_failures, ephemeral

log = logging.getLogger(__name__)


async def rebuild(
    client: AsyncWebClient, view: dict[str, Any], rebuilt: dict[str, Any], what: str
) -> None:
    """Redraw an open form. The hash makes Slack refuse this update if a newer one already
    landed (the person moved on): that is no failure, only logged."""
    try:
        await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=rebuilt)
    except SlackApiError as error:
        log.info("%s not rebuilt: %s", what, error.response.get("error"))


def register(app: AsyncApp, services: Services) -> None:
    async def on_search_more(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        async with answering_failures(services, user_id, ephemeral(respond)):
            try:
                query, offset = decode_search_page(action.get("value", ""))
            except (ValueError, KeyError, TypeError):
                await respond(
                    text="That button is out of date; search again.", replace_original=False
                )
                return
            _, redmine = await acting_as(services, user_id)
            page = await search_issues(redmine, query, offset)
            await respond(
                replace_original=True,
                text=f"Search: {escape_mrkdwn(query)}",
                blocks=search_results(
                    page.query,
                    page.results,
                    page.statuses,
                    offset=page.offset,
                    total=page.total,
                    base_url=services.settings.redmine_base_url,
                ),
            )

    app.action(SEARCH_MORE_ACTION)(on_search_more)
    register_issue_form_actions(app, services)


# -- the new-issue form from a message: a project or tracker choice rebuilds the form ----


def register_issue_form_actions(app: AsyncApp, services: Services) -> None:
    async def on_issue_field_change(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        view = body.get("view") or {}
        form = MessageIssueForm.from_view(view)
        user_id = body["user"]["id"]
        # A new project starts from its own default tracker: nothing chosen for the old
        # project is carried over (trackers are global ids, shared between projects).
        tracker_id = form.tracker_id if form.project_id == form.context.project_id else None
        state = IssueFormState(
            project=(form.project_label or str(form.project_id), str(form.project_id))
            if form.project_id is not None
            else None,
            subject=form.subject,
            description=form.description,
            checked=form.checked,
        )
        fields, notice = None, None
        if form.project_id is not None:
            try:
                _, redmine = await acting_as(services, user_id)
                fields = await issue_fields(
                    redmine,
                    form.project_id,
                    tracker_id,
                    # Field definitions are admin-only in Redmine; read, never written.
                    definitions=services.redmine if services.admin_mode else None,
                )
            except NotLinked as error:
                notice = error.message
            except RedmineError as error:
                notice = describe(error)
        rebuilt = modals.message_issue_modal(form.context, state, fields=fields, notice=notice)
        await rebuild(client, view, rebuilt, "new-issue form")

    app.action(modals.ISSUE_PROJECT)(on_issue_field_change)
    app.action(modals.ISSUE_TRACKER)(on_issue_field_change)

    async def on_create_project_change(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """`/redmine create`: a project choice rebuilds the form for that project.

        The project goes into private_metadata (its options requests read it there) and
        the tracker and assignee inputs get block_ids scoped to it, so Slack drops what
        was chosen for the previous project.
        """
        await ack()
        view = body.get("view") or {}
        form = CreateIssueForm.from_view(view)
        actions: list[dict[str, Any]] = body.get("actions") or [{}]
        option: dict[str, Any] = actions[0].get("selected_option") or {}
        value = str(option.get("value") or "")
        if not value.isdigit():
            return
        label = str((option.get("text") or {}).get("text") or value)
        rebuilt = modals.create_issue_modal(
            replace(form.context, project_id=int(value)),
            subject=form.subject,
            description=form.description,
            project=(label, value),
        )
        await rebuild(client, view, rebuilt, "new-issue form")

    app.action({"action_id": modals.PROJECT, "block_id": modals.PROJECT})(on_create_project_change)

    async def on_time_issue_named(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The log-time form: the issue was typed (Enter) or picked; its project's
        activities become the activity options (options requests carry no state)."""
        await ack()
        view = body.get("view") or {}
        if view.get("callback_id") != modals.MESSAGE_TIME_VIEW:
            return
        actions: list[dict[str, Any]] = body.get("actions") or [{}]
        action = actions[0]
        chosen: dict[str, Any] = action.get("selected_option") or {}
        text = str(action.get("value") or chosen.get("value") or "").strip().lstrip("#")
        issue_id = ascii_int(text)
        if issue_id is None:
            return  # not an issue number yet: the submission says what is wrong
        try:
            _, redmine = await acting_as(services, body["user"]["id"])
            project_id: int | None = (await redmine.issues.get(issue_id)).project.id
        except (NotLinked, RedmineError):
            project_id = None  # not visible: the global list; the submission explains
        rebuilt = modals.time_modal_for_project(view, project_id)
        await rebuild(client, view, rebuilt, "log-time form")

    app.action(modals.ISSUE)(on_time_issue_named)
    app.action(modals.ISSUE_PICK)(on_time_issue_named)
