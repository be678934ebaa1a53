"""Work Objects' flexpane: the issue read as whoever opened it, and edits made in it.

`entity_details_requested` (docs.slack.dev/reference/events/entity_details_requested)
names the person (`user`), the entity (`external_ref`, which the app set to the issue id)
and a `trigger_id` that `entity.presentDetails` answers with the entity, an `error`, or
`user_auth_required` for a person Redmine does not know. Saving an edit in the flexpane
sends `view_submission` with callback id `work-object-edit` (docs.slack.dev/messaging/
work-objects-overview): checked like the card's Edit form before the ack (a field error
when the issue changed since the panel showed it, which then shows it as it is now),
written as the person after it, and the panel redrawn from Redmine.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions import card, edit_issue
from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.actions.flexpane import STALE, check_flexpane_edit, open_flexpane
from bot.blocks import entities
from bot.blocks.entities import connect_url, flexpane_refusal, issue_entity, issue_ref_id
from bot.i18n import _, translator_for, using
from bot.inputs.entity_edits import EntityEdit
from bot.people.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError, RedmineError
from handlers.asked import Asked

log = logging.getLogger("redmine_slack.handlers")


async def flexpane_answer(asked: Asked, user_id: str, issue_id: int) -> dict[str, Any]:
    """entity.presentDetails' arguments for this person and issue, read as them."""
    try:
        redmine = await asked.redmine(user_id)
        pane = await open_flexpane(redmine, issue_id)
    except (NotLinked, ImpersonationError):
        asked.services.identity.forget(user_id)
        return {"user_auth_required": True, "user_auth_url": connect_url(asked.base_url)}
    except (UserFacingError, RedmineError) as error:
        return {"error": flexpane_refusal(describe(error))}
    asked.services.flexpanes.set((user_id, issue_id), pane.ref)  # what the panel shows
    entity = issue_entity(
        pane.issue,
        asked.base_url,
        asked.formatting,
        read_at=pane.read_at,
        notes=pane.issue.journals,
        edits=pane.edits,
    )
    return {"metadata": entity}


async def present(asked: Asked, trigger_id: str, user_id: str, issue_id: int) -> None:
    answer = await flexpane_answer(asked, user_id, issue_id)
    try:
        await asked.client.entity_presentDetails(trigger_id=trigger_id, **answer)
    except SlackApiError as error:
        log.info("entity.presentDetails refused: %s", error.response.get("error"))


async def on_entity_details(event: dict[str, Any], asked: Asked) -> None:
    issue_id = issue_ref_id(event.get("external_ref"))
    trigger_id, user_id = str(event.get("trigger_id") or ""), str(event.get("user") or "")
    if issue_id is not None and trigger_id:  # else not one of this app's entities
        # The panel is drawn for this person alone, in their language: the event carries
        # it (node-slack-sdk packages/types/src/events/entity-details-requested.ts,
        # `user_locale`), where other events leave a request in DEFAULT_LOCALE.
        locale = str(event.get("user_locale") or "") or None
        with using(translator_for(locale, asked.settings.default_locale)):
            await present(asked, trigger_id, user_id, issue_id)


async def checked_edit(
    asked: Asked, edit: EntityEdit, issue_id: int
) -> tuple[Redmine, dict[str, Any]] | str:
    """The person's view and the fields to write, or why not (before the ack)."""
    budget = AckBudget.starting_now()
    opened = asked.services.flexpanes.get((asked.user_id, issue_id))
    try:
        redmine = await budget.run(asked.redmine())
        return redmine, await budget.run(check_flexpane_edit(redmine, issue_id, opened, edit.form))
    except card.StaleCard:
        return _(STALE, id=issue_id)
    except TimeoutError:
        return REDMINE_SLOW
    except Exception as error:  # refused status, gone issue, not linked: said on the field
        if isinstance(error, ImpersonationError):
            asked.services.identity.forget(asked.user_id)
        return describe(error)


async def on_entity_edit(ack: AsyncAck, asked: Asked) -> None:
    edit = EntityEdit.from_view(asked.body.get("view") or {})
    if edit.issue_id is None:
        await ack()
        return
    checked = await checked_edit(asked, edit, edit.issue_id)
    if isinstance(checked, str):
        await ack(response_action="errors", errors={edited_field(edit): checked})
        if checked == _(STALE, id=edit.issue_id):  # show the issue as it is now
            await present(asked, asked.trigger_id, asked.user_id, edit.issue_id)
        return
    await ack()
    redmine, fields = checked
    async with asked.answering_failures(asked.teller(None)):
        edited = await edit_issue.apply_edit(redmine, edit.issue_id, fields)
        await present(asked, asked.trigger_id, asked.user_id, edit.issue_id)
        if sentence := edit_issue.kept_sentence(edited):
            await asked.teller(None)(sentence)


def edited_field(edit: EntityEdit) -> str:
    """The field a refusal is shown on: the first one the person set."""
    form = edit.form
    if form.status_id is not None:
        return entities.STATUS
    if form.assignee_id is not None:
        return entities.ASSIGNEE
    return entities.DUE_DATE


def register(app: AsyncApp) -> None:
    app.event("entity_details_requested")(on_entity_details)
    app.view(entities.EDIT_CALLBACK)(on_entity_edit)
