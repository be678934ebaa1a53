"""An issue card's Edit button: open the form as the person who clicked, write on submit.

The click's trigger expires 3 s after it (api.slack.com/surfaces/modals), and the form
needs three Redmine reads, so a "loading" modal opens at once and `views.update` replaces
it with the form (or with the reason the person cannot edit). The submission is checked
against the issue before the ack (a change made meanwhile or a refused status is a field
error, with the person's input kept); the write and the card's redraw come after it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import card, edit_issue
from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.blocks import card_actions as ids
from bot.blocks import edit_modal
from bot.blocks.card_actions import CardRef, card_ref
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import message_view
from bot.inputs.forms import EditForm
from bot.redmine.errors import ImpersonationError
from bot.services import Services
from bot.slack.door.payloads import ViewSubmission
from handlers.cards import OUT_OF_DATE, card_of, redraw
from handlers.common import Say, acting_as, answering_failures, providing, teller

log = logging.getLogger(__name__)

TITLE = "Edit issue"


def origin(container: dict[str, Any], response_url: str | None) -> ModalContext:
    """Where the clicked card is, so the submission can redraw it."""
    if container.get("type") == "view":
        return ModalContext(card_surface="home")
    channel_id = str(container.get("channel_id") or "")
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return ModalContext(
            channel_id=channel_id, card_surface="ephemeral", response_url=response_url
        )
    return ModalContext(
        channel_id=channel_id,
        message_ts=str(container["message_ts"]),
        card_surface="message",
        response_url=response_url,  # where to answer if Slack refuses the chat.update
    )


def container_of(context: ModalContext) -> dict[str, Any]:
    """The card's place as `handlers.cards.redraw` takes it (an interaction's container)."""
    if context.card_surface == "home":
        return {"type": "view"}
    return {
        "type": "message",
        "channel_id": context.channel_id,
        "message_ts": context.message_ts,
        "is_ephemeral": context.card_surface != "message",
    }


def shown_in(client: AsyncWebClient, view_id: str) -> Say:
    """A failure replaces the loading form: the person is looking at it."""

    async def say(text: str) -> None:
        await client.views_update(view_id=view_id, view=message_view(TITLE, text))

    return say


async def on_edit(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    clicked, ref, container = card_of(body)
    user_id = clicked.user.id
    if ref is None:
        await teller(client, container.get("channel_id") or None, user_id)(OUT_OF_DATE)
        return
    loading = message_view(TITLE, f"Reading #{ref.issue_id} from Redmine…")
    opened = await client.views_open(trigger_id=clicked.trigger_id or "", view=loading)
    view_id = str(opened["view"]["id"])
    async with answering_failures(services, user_id, shown_in(client, view_id)):
        _, redmine = await acting_as(services, user_id)
        choices = await edit_issue.edit_choices(redmine, ref.issue_id)
        issue = choices.issue
        context = replace(
            origin(container, body.get("response_url")),
            issue_id=issue.id,
            project_id=issue.project.id,
            card=card_ref(issue).encode(),
        )
        await client.views_update(
            view_id=view_id, view=edit_modal.issue_edit_modal(choices, context)
        )
        if ref.drawn_at and card_ref(issue).drawn_at != ref.drawn_at:
            # The card is older than the form: show the issue as the form does.
            await redraw(client, respond, services, container, issue, user_id)


async def on_edit_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    form = EditForm.from_view(view)
    user_id = ViewSubmission.model_validate(body).user.id
    ref = CardRef.decode(form.context.card or "")
    if ref is None:
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: OUT_OF_DATE})
        return
    budget = AckBudget.starting_now()
    context = form.context
    respond = AsyncRespond(response_url=context.response_url)
    say = teller(client, context.channel_id or None, user_id)
    try:
        identity, redmine = await budget.run(acting_as(services, user_id))
        fields = await budget.run(edit_issue.check_edit(redmine, ref, form))
    except card.StaleCard as stale:  # the form says why; the card shows the issue as it is
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: stale_text(ref)})
        async with answering_failures(services, user_id, say):
            await redraw(client, respond, services, container_of(context), stale.issue, user_id)
        return
    except TimeoutError:
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: REDMINE_SLOW})
        return
    except Exception as error:  # refused status, gone issue, not linked: said on the form
        if isinstance(error, ImpersonationError):  # the account may have been locked
            services.identity.forget(user_id)
        if not isinstance(error, UserFacingError):
            log.info("edit of #%s refused: %s", ref.issue_id, error)
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: describe(error)})
        return
    await ack()
    async with answering_failures(services, user_id, say):
        edited = await edit_issue.apply_edit(redmine, ref.issue_id, fields)
        me = identity.redmine_user_id
        await redraw(client, respond, services, container_of(context), edited.issue, user_id, me)
        if sentence := edit_issue.kept_sentence(edited):
            await say(sentence)


def stale_text(ref: CardRef) -> str:
    return (
        f"#{ref.issue_id} changed since you opened this form, so nothing was saved. "
        "Cancel, then click Edit again to see it as it is now."
    )


def register(app: AsyncApp, services: Services) -> None:
    provide = [providing(services)]
    app.action(ids.EDIT, middleware=provide)(on_edit)
    app.view(edit_modal.EDIT_ISSUE_VIEW, middleware=provide)(on_edit_submit)
