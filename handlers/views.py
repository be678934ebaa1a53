"""Modal submissions: validate before the ack (field errors), write to Redmine after it.

Forms naming an issue check it with Redmine before the ack, all checks of one
submission sharing one AckBudget (bot/actions/ack_budget.py). Writes happen after the
ack, as the person; answers about a message go into its thread (handlers/replies.py).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions.ack_budget import AckBudget
from bot.actions.attach_files import FoundFiles, attach_files, attach_from_message
from bot.actions.connect import connect_in_time
from bot.actions.create_from_message import CreatedFromMessage, create_from_message
from bot.actions.errors import UserFacingError
from bot.actions.issue_target import Target, check_activity, check_private_note, check_target
from bot.actions.message_note import add_message_note
from bot.actions.message_time import log_message_time
from bot.blocks import modals, replies
from bot.blocks.entities import entities_metadata, issue_entity
from bot.blocks.issues import issue_card, issue_card_text, issue_link
from bot.blocks.metadata import ModalContext
from bot.i18n import _
from bot.inputs.forms import (
    AttachForm,
    ConnectForm,
    IssueForm,
    MessageAttachForm,
    NoteForm,
    TimeForm,
)
from bot.inputs.views import readable_view
from bot.redmine.models import Issue
from handlers.asked import Asked, Say
from handlers.message_reads import find_files, message_source, missing_permalink

REACTION = "ticket"  # on a message an issue was made from (reactions.add)


def form_view(asked: Asked) -> dict[str, Any]:
    return readable_view(asked.body.get("view"))


async def checked_target(
    asked: Asked, issue_id: int | None, errors: dict[str, str], budget: AckBudget
) -> Target | None:
    return await check_target(
        asked.redmine,
        issue_id,
        errors,
        budget,
        on_impersonation_failure=partial(asked.services.identity.forget, asked.user_id),
    )


async def ack_with_target(
    ack: AsyncAck, asked: Asked, form: NoteForm | MessageAttachForm, *, private_note: bool = False
) -> Target | None:
    """The form's own checks and its issue's, then the ack: field errors and None, or the
    issue as the person sees it once Slack has its ack. `private_note`: the person asked
    for a private note, so whether their role may write one is checked too."""
    errors = form.errors()
    budget = AckBudget.starting_now()
    target = await checked_target(asked, form.issue_id, errors, budget)
    if target is not None and private_note:
        await check_private_note(target, errors, budget)
    if errors or target is None:
        await ack(response_action="errors", errors=errors)
        return None
    await ack()
    return target


# -- the one new-issue form (command, global and message shortcut), connect, attach --


async def on_new_issue(ack: AsyncAck, asked: Asked) -> None:
    """The one new-issue form, from `/redmine create` or a shortcut."""
    view = form_view(asked)
    form = IssueForm.from_view(view)
    if errors := modals.scoped_errors(form.errors(), view):
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    context = form.context
    from_command = view.get("callback_id") == modals.CREATE_ISSUE_VIEW
    say = asked.teller(context.channel_id or None)
    async with asked.answering_failures(say if from_command else asked.in_thread(context)):
        redmine = await asked.redmine()
        source = await message_source(asked.reads, form)
        files = asked.services.files
        made = await create_from_message(redmine, files, form, source, asked.formatting)
        if from_command:
            await announce_created(asked, context.channel_id, made.issue, say)
        else:
            await tell_created_from_message(asked, context, made)


async def announce_created(asked: Asked, channel_id: str | None, issue: Issue, say: Say) -> None:
    """The issue's card in the channel the form came from; else only the person hears."""
    created = _("Created {issue}.", issue=issue_link(asked.base_url, issue.id, issue.subject))
    if issue.is_private:  # a private issue never reaches the channel
        await say(f"{created} {_(replies.PRIVATE_CREATED)}")
        return
    if not channel_id:
        await say(created)
        return
    card = issue_card(
        issue, asked.base_url, asked.formatting, with_description=False, with_actions=True
    )
    # The card carries the issue as a Work Object too (a private one stays Block Kit only).
    entity = [] if issue.is_private else [issue_entity(issue, asked.base_url, asked.formatting)]
    try:
        person = f"<@{asked.user_id}>"
        text = _("{person} created {issue}", person=person, issue=issue_card_text(issue))
        await asked.client.chat_postMessage(
            channel=channel_id,
            text=text,
            blocks=card,
            metadata=entities_metadata(entity) if entity else None,
        )
    except SlackApiError:  # e.g. the bot is not in that channel: tell the person instead
        await say(created)


async def on_connect(ack: AsyncAck, asked: Asked) -> None:
    form = ConnectForm.from_view(form_view(asked))
    if errors := form.errors():
        await ack(response_action="errors", errors=errors)
        return
    identity = asked.services.identity
    try:
        connected = await connect_in_time(identity, asked.user_id, form, AckBudget.starting_now())
    except UserFacingError as error:
        await ack(response_action="errors", errors={modals.API_KEY: error.message})
        return
    done = _(
        "You now act in Redmine as `{login}`. `/redmine disconnect` undoes this.",
        login=connected.login,
    )
    await ack(response_action="update", view=modals.message_view(_("Redmine connected"), done))


async def on_attach(ack: AsyncAck, asked: Asked) -> None:
    form = AttachForm.from_view(form_view(asked))
    if errors := form.errors():
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    issue_id = form.context.issue_id or 0
    say = asked.teller(form.context.channel_id or None)
    async with asked.answering_failures(say):
        redmine, files = await asked.redmine(), asked.services.files
        done = await attach_files(redmine, files, issue_id, FoundFiles(form.files))
        label = issue_link(asked.base_url, issue_id)
        await say(replies.attach_summary(done.attached, done.refused, label))


# -- message shortcuts' submissions ---------------------------------------------------------


async def tell_created_from_message(
    asked: Asked, context: ModalContext, made: CreatedFromMessage
) -> None:
    issue, say = made.issue, asked.in_thread(context)
    text = replies.created_from_message(asked.base_url, asked.user_id, issue, made.attached)
    await asked.post_in_thread(context, text, private=issue.is_private)
    if not issue.is_private and context.channel_id and context.message_ts:
        await asked.reads.react(context.channel_id, context.message_ts, REACTION)
    if made.thread_problem:
        await say(made.thread_problem)
    for name, why in made.refused:
        await say(replies.not_attached(name, why))


async def on_message_note(ack: AsyncAck, asked: Asked) -> None:
    form = NoteForm.from_view(form_view(asked))
    target = await ack_with_target(ack, asked, form, private_note=form.private)
    if target is None:
        return
    context = form.context
    async with asked.answering_failures(asked.in_thread(context)):
        permalink = await missing_permalink(asked.reads, context)
        added = await add_message_note(target, form, permalink, asked.formatting)
        text = replies.note_added(asked.base_url, asked.user_id, added.issue, private=added.private)
        await asked.post_in_thread(context, text, private=added.private)


async def on_message_time(ack: AsyncAck, asked: Asked) -> None:
    form = TimeForm.from_view(form_view(asked))
    errors, budget = form.errors(), AckBudget.starting_now()  # one budget for both checks
    target = await checked_target(asked, form.issue_id, errors, budget)
    activity = await check_activity(target, form.activity_id, errors, budget) if target else None
    if errors or target is None or form.hours is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    context = form.context
    async with asked.answering_failures(asked.in_thread(context)):
        logged = await log_message_time(target, form, form.hours, activity)
        text = replies.time_logged(
            asked.base_url, asked.user_id, logged.issue, logged.entry, logged.activity
        )
        await asked.post_in_thread(context, text, private=logged.issue.is_private)


async def on_message_attach(ack: AsyncAck, asked: Asked) -> None:
    form = MessageAttachForm.from_view(form_view(asked))
    target = await ack_with_target(ack, asked, form)
    if target is None:
        return
    context, reads = form.context, asked.reads
    async with asked.answering_failures(asked.in_thread(context)):
        permalink = context.permalink or await missing_permalink(reads, context)
        found = await find_files(reads, context.file_ids)
        done = await attach_from_message(
            target.redmine,
            asked.services.files,
            target.issue.id,
            found,
            permalink,
            asked.formatting,
        )
        await tell_attached(asked, context, target, done.attached, done.refused)


async def tell_attached(
    asked: Asked,
    context: ModalContext,
    target: Target,
    attached: list[str],
    refused: list[tuple[str, str]],
) -> None:
    """What attached goes to the thread; what did not (or "no files") to the person only."""
    link = issue_link(asked.base_url, target.issue.id)
    if attached:
        text = f"<@{asked.user_id}>: " + replies.attached_files(attached, link)
        await asked.post_in_thread(context, text, private=target.issue.is_private)
    if refused or not attached:
        await asked.in_thread(context)(replies.attach_summary([], refused, link))


def register(app: AsyncApp) -> None:
    app.view(modals.CREATE_ISSUE_VIEW)(on_new_issue)
    app.view(modals.CONNECT_VIEW)(on_connect)
    app.view(modals.ATTACH_VIEW)(on_attach)
    app.view(modals.MESSAGE_ISSUE_VIEW)(on_new_issue)
    app.view(modals.MESSAGE_NOTE_VIEW)(on_message_note)
    app.view(modals.MESSAGE_TIME_VIEW)(on_message_time)
    app.view(modals.MESSAGE_ATTACH_VIEW)(on_message_attach)
