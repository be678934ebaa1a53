"""An issue card's Edit button: open the form as the person who clicked, write on submit.

The click's trigger expires 3 s after it (api.slack.com/surfaces/modals), and the form
needs three Redmine reads, so a "loading" modal opens at once and `views.update` replaces
it with the form (or with the reason the person cannot edit). The submission is checked
against the issue before the ack (a change made meanwhile or a refused status is a field
error, with the person's input kept); the write and the card's redraw come after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.actions import card, edit_issue
from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.blocks import card_actions as ids
from bot.blocks import edit_modal
from bot.blocks.card_actions import CardRef, card_ref
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import message_view
from bot.i18n import N_, _
from bot.inputs.forms import EditForm
from bot.people.identity import Identity
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError
from bot.redmine.models import Issue
from handlers.asked import Asked, Say
from handlers.cards import OUT_OF_DATE, card_of, redraw

log = logging.getLogger(__name__)

TITLE = N_("Edit issue")


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


def shown_in(asked: Asked, view_id: str) -> Say:
    """A failure replaces the loading form: the person is looking at it."""

    async def say(text: str) -> None:
        await asked.client.views_update(view_id=view_id, view=message_view(_(TITLE), text))

    return say


async def on_edit(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    _action, ref, container = card_of(asked)
    if ref is None:
        await asked.teller(container.get("channel_id") or None)(_(OUT_OF_DATE))
        return
    loading = message_view(_(TITLE), _("Reading #{id} from Redmine…", id=ref.issue_id))
    opened = await asked.client.views_open(trigger_id=asked.trigger_id, view=loading)
    view_id = str(opened["view"]["id"])
    async with asked.answering_failures(shown_in(asked, view_id)):
        choices = await edit_issue.edit_choices(await asked.redmine(), ref.issue_id)
        issue = choices.issue
        context = replace(
            origin(container, asked.response_url),
            issue_id=issue.id,
            project_id=issue.project.id,
            card=card_ref(issue).encode(),
        )
        form = edit_modal.issue_edit_modal(choices, context)
        await asked.client.views_update(view_id=view_id, view=form)
        if ref.drawn_at and card_ref(issue).drawn_at != ref.drawn_at:
            # The card is older than the form: show the issue as the form does.
            await redraw(asked, container, issue)


@dataclass(frozen=True)
class Checked:
    """A submission Redmine will take: who writes it and the fields that change."""

    identity: Identity
    redmine: Redmine
    fields: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    """Why the form cannot be saved (said on the form), and the issue as it is now when
    the card is out of date."""

    sentence: str
    issue_now: Issue | None = None


async def check_submission(asked: Asked, ref: CardRef, form: EditForm) -> Checked | Refused:
    """Everything that must be known before the ack, inside the ack's budget."""
    budget = AckBudget.starting_now()
    try:
        identity, redmine = await budget.run(asked.acting())
        fields = await budget.run(edit_issue.check_edit(redmine, ref, form))
    except card.StaleCard as stale:  # the form says why; the card shows the issue as it is
        return Refused(stale_text(ref), stale.issue)
    except TimeoutError:
        return Refused(_(REDMINE_SLOW))
    except Exception as error:  # refused status, gone issue, not linked: said on the form
        if isinstance(error, ImpersonationError):  # the account may have been locked
            asked.services.identity.forget(asked.user_id)
        if not isinstance(error, UserFacingError):
            log.info("edit of #%s refused: %s", ref.issue_id, error)
        return Refused(describe(error))
    return Checked(identity, redmine, fields)


async def on_edit_submit(ack: AsyncAck, asked: Asked) -> None:
    form = EditForm.from_view(asked.body.get("view") or {})
    ref = CardRef.decode(form.context.card or "")
    if ref is None:
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: _(OUT_OF_DATE)})
        return
    checked = await check_submission(asked, ref, form)
    context = form.context
    respond = AsyncRespond(response_url=context.response_url)  # the card's, not the form's
    say = asked.teller(context.channel_id or None)
    if isinstance(checked, Refused):
        await ack(response_action="errors", errors={edit_modal.EDIT_STATUS: checked.sentence})
        if checked.issue_now is not None:
            async with asked.answering_failures(say):
                await redraw(asked, container_of(context), checked.issue_now, respond=respond)
        return
    await ack()
    async with asked.answering_failures(say):
        edited = await edit_issue.apply_edit(checked.redmine, ref.issue_id, checked.fields)
        me = checked.identity.redmine_user_id
        await redraw(asked, container_of(context), edited.issue, me, respond=respond)
        if sentence := edit_issue.kept_sentence(edited):
            await say(sentence)


def stale_text(ref: CardRef) -> str:
    return _(
        "#{id} changed since you opened this form, so nothing was saved. Cancel, then "
        "click Edit again to see it as it is now.",
        id=ref.issue_id,
    )


def register(app: AsyncApp) -> None:
    app.action(ids.EDIT)(on_edit)
    app.view(edit_modal.EDIT_ISSUE_VIEW)(on_edit_submit)
