"""Open forms that redraw themselves: a project, tracker or issue choice rebuilds the form.

Each answer is a `views.update` carrying the view's `hash`, so Slack refuses it if a
newer update already landed (docs.slack.dev/reference/methods/views.update: "hash ...
to protect against possible race conditions"). Inputs that depend on the project get
block_ids scoped to it (`tracker.p7`), so Slack drops what was chosen for another
project while keeping every other value, whose block_id and action_id are unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions.errors import describe
from bot.actions.issue_form import issue_fields
from bot.actions.show import show_issue
from bot.blocks import modals
from bot.blocks.modals import IssueFormState
from bot.domain.issue_fields import IssueFields
from bot.i18n import N_, _
from bot.inputs.forms import IssueForm
from bot.inputs.grammar import ascii_int
from bot.inputs.views import readable_view
from bot.people.identity import NotLinked
from bot.redmine.errors import RedmineError
from bot.slack.door.payloads import BlockActions
from handlers.asked import Asked

log = logging.getLogger(__name__)

# An action said to come from a form, sent without the form (Slack sends a view's actions
# with their `view`: docs.slack.dev/reference/interaction-payloads/block_actions-payload).
FORM_NOT_OPEN = N_("That form is no longer open here: open it again to go on.")


async def rebuild(asked: Asked, rebuilt: dict[str, Any]) -> None:
    """Redraw an open form. The hash makes Slack refuse this update if a newer one already
    landed (the person moved on): that is no failure, only logged (by its callback id)."""
    view = form_view(asked)
    try:
        await asked.client.views_update(view_id=view["id"], hash=view.get("hash"), view=rebuilt)
    except SlackApiError as error:
        log.info("%s not rebuilt: %s", rebuilt.get("callback_id"), error.response.get("error"))


def form_view(asked: Asked) -> dict[str, Any]:
    return readable_view(asked.body.get("view"))


def open_form_view(asked: Asked) -> dict[str, Any] | None:
    """The form the action came from, when it came with one Slack could redraw."""
    view = form_view(asked)
    view_id = view.get("id")
    return view if isinstance(view_id, str) and view_id else None


async def fields_for(asked: Asked, form: IssueForm) -> tuple[IssueFields | None, str | None]:
    """The chosen project's fields as the person may set them, or why they cannot be read."""
    if form.project_id is None:
        return None, None
    # A new project starts from its own default tracker: nothing chosen for the old
    # project is carried over (trackers are global ids, shared between projects).
    tracker_id = form.tracker_id if form.project_id == form.context.project_id else None
    services = asked.services
    try:
        redmine = await asked.redmine()
        # Field definitions are admin-only in Redmine; read, never written.
        definitions = services.redmine if services.admin_mode else None
        fields = await issue_fields(redmine, form.project_id, tracker_id, definitions=definitions)
    except NotLinked as error:
        return None, error.message
    except RedmineError as error:
        return None, describe(error)
    return fields, None


async def on_issue_field_change(ack: AsyncAck, asked: Asked) -> None:
    """The new-issue form: a project or tracker choice redraws the fields that depend on it."""
    await ack()
    view = open_form_view(asked)
    if view is None:
        await asked.say(_(FORM_NOT_OPEN))
        return
    form = IssueForm.from_view(view)
    project = (form.project_label or str(form.project_id), str(form.project_id))
    state = IssueFormState(
        project=project if form.project_id is not None else None,
        subject=form.subject,
        description=form.description,
        checked=form.checked,
    )
    fields, notice = await fields_for(asked, form)
    # The same form, answering where it answered before: the command's or the shortcut's.
    origin = (
        modals.CREATE_ISSUE_VIEW
        if view.get("callback_id") == modals.CREATE_ISSUE_VIEW
        else modals.MESSAGE_ISSUE_VIEW
    )
    rebuilt = modals.issue_modal(
        form.context, state, callback_id=origin, fields=fields, notice=notice
    )
    await rebuild(asked, rebuilt)


async def on_time_issue_named(ack: AsyncAck, asked: Asked) -> None:
    """The log-time form: the issue was typed (Enter) or picked; its project's
    activities become the activity options (options requests carry no state)."""
    await ack()
    view = open_form_view(asked)
    if view is None:
        await asked.say(_(FORM_NOT_OPEN))
        return
    if view.get("callback_id") != modals.MESSAGE_TIME_VIEW:
        return
    action = BlockActions.model_validate(asked.body).actions[0]
    picked = action.selected_option.value if action.selected_option else ""
    issue_id = ascii_int(str(action.value or picked or "").strip().lstrip("#"))
    if issue_id is None:
        return  # not an issue number yet: the submission says what is wrong
    try:
        project_id: int | None = (await show_issue(await asked.redmine(), issue_id)).project.id
    except (NotLinked, RedmineError):
        project_id = None  # not visible: the global list; the submission explains
    await rebuild(asked, modals.time_modal_for_project(view, project_id))


def register(app: AsyncApp) -> None:
    app.action(modals.ISSUE_PROJECT)(on_issue_field_change)
    app.action(modals.ISSUE_TRACKER)(on_issue_field_change)
    app.action(modals.ISSUE)(on_time_issue_named)
    app.action(modals.ISSUE_PICK)(on_time_issue_named)
