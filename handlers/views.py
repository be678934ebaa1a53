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
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.ack_budget import AckBudget
from bot.actions.attach_files import FoundFiles, attach_files, attach_from_message
from bot.actions.connect import connect_in_time
from bot.actions.create_from_message import CreatedFromMessage, create_from_message
from bot.actions.errors import UserFacingError
from bot.actions.issue_target import Target, check_activity, check_private_note, check_target
from bot.actions.message_note import add_message_note
from bot.actions.message_time import log_message_time
from bot.blocks import modals, replies
from bot.blocks.issues import issue_card, issue_card_text, issue_link
from bot.blocks.metadata import ModalContext
from bot.inputs.forms import (
    AttachForm,
    ConnectForm,
    IssueForm,
    MessageAttachForm,
    NoteForm,
    TimeForm,
)
from bot.redmine import Redmine
from bot.redmine.models import Issue
from bot.services import Services
from bot.slack.door.payloads import ViewSubmission
from bot.slack.web.reads import SlackReads
from handlers.common import Say, acting_as, answering_failures, providing, teller
from handlers.message_reads import find_files, message_source, missing_permalink
from handlers.replies import post_in_thread, tell_in_thread, thread_teller

REACTION = "ticket"  # on a message an issue was made from (reactions.add)


def submitter(body: dict[str, Any]) -> str:
    return ViewSubmission.model_validate(body).user.id


async def person_redmine(services: Services, user_id: str) -> Redmine:
    return (await acting_as(services, user_id))[1]


async def checked_target(
    services: Services,
    user_id: str,
    issue_id: int | None,
    errors: dict[str, str],
    budget: AckBudget,
) -> Target | None:
    return await check_target(
        partial(person_redmine, services, user_id),
        issue_id,
        errors,
        budget,
        on_impersonation_failure=partial(services.identity.forget, user_id),
    )


async def ack_with_target(
    ack: AsyncAck,
    services: Services,
    user_id: str,
    form: NoteForm | MessageAttachForm,
    *,
    private_note: bool = False,
) -> Target | None:
    """The form's own checks and its issue's, then the ack: field errors and None, or the
    issue as the person sees it once Slack has its ack. `private_note`: the person asked
    for a private note, so whether their role may write one is checked too."""
    errors = form.errors()
    budget = AckBudget.starting_now()
    target = await checked_target(services, user_id, form.issue_id, errors, budget)
    if target is not None and private_note:
        await check_private_note(target, errors, budget)
    if errors or target is None:
        await ack(response_action="errors", errors=errors)
        return None
    await ack()
    return target


# -- the one new-issue form (command, global and message shortcut), connect, attach --


async def on_new_issue(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    """The one new-issue form, from `/redmine create` or a shortcut."""
    form = IssueForm.from_view(view)
    if errors := modals.scoped_errors(form.errors(), view):
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    user_id, context = submitter(body), form.context
    from_command = view.get("callback_id") == modals.CREATE_ISSUE_VIEW
    say = teller(client, context.channel_id, user_id)
    reads = SlackReads(client, services.slack_users)
    async with answering_failures(
        services, user_id, say if from_command else thread_teller(client, context, user_id)
    ):
        redmine = await person_redmine(services, user_id)
        source = await message_source(reads, form)
        formatting = services.settings.redmine_text_formatting
        made = await create_from_message(redmine, services.files, form, source, formatting)
        if from_command:
            await announce_created(client, services, context.channel_id, user_id, made.issue, say)
        else:
            await tell_created_from_message(client, reads, services, context, user_id, made)


async def announce_created(
    client: AsyncWebClient,
    services: Services,
    channel_id: str | None,
    user_id: str,
    issue: Issue,
    say: Say,
) -> None:
    """The issue's card in the channel the form came from; else only the person hears."""
    settings = services.settings
    created = f"Created {issue_link(settings.redmine_base_url, issue.id, issue.subject)}."
    if not channel_id:
        await say(created)
        return
    card = issue_card(
        issue,
        settings.redmine_base_url,
        settings.redmine_text_formatting,
        with_description=False,
        with_actions=True,
    )
    try:
        text = f"<@{user_id}> created {issue_card_text(issue)}"
        await client.chat_postMessage(channel=channel_id, text=text, blocks=card)
    except SlackApiError:  # e.g. the bot is not in that channel: tell the person instead
        await say(created)


async def on_connect(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    form = ConnectForm.from_view(view)
    if errors := form.errors():
        await ack(response_action="errors", errors=errors)
        return
    try:
        identity = await connect_in_time(
            services.identity, submitter(body), form, AckBudget.starting_now()
        )
    except UserFacingError as error:
        await ack(response_action="errors", errors={modals.API_KEY: error.message})
        return
    done = f"You now act in Redmine as `{identity.login}`. `/redmine disconnect` undoes this."
    await ack(response_action="update", view=modals.message_view("Redmine connected", done))


async def on_attach(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    form = AttachForm.from_view(view)
    if errors := form.errors():
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    user_id, issue_id = submitter(body), form.context.issue_id or 0
    say = teller(client, form.context.channel_id, user_id)
    async with answering_failures(services, user_id, say):
        redmine = await person_redmine(services, user_id)
        done = await attach_files(redmine, services.files, issue_id, FoundFiles(form.files))
        label = issue_link(services.settings.redmine_base_url, issue_id)
        await say(replies.attach_summary(done.attached, done.refused, label))


# -- message shortcuts' submissions ---------------------------------------------------------


async def tell_created_from_message(
    client: AsyncWebClient,
    reads: SlackReads,
    services: Services,
    context: ModalContext,
    user_id: str,
    made: CreatedFromMessage,
) -> None:
    base_url, issue = services.settings.redmine_base_url, made.issue
    text = replies.created_from_message(base_url, user_id, issue, made.attached)
    await post_in_thread(client, context, user_id, text, private=issue.is_private)
    if not issue.is_private and context.channel_id and context.message_ts:
        await reads.react(context.channel_id, context.message_ts, REACTION)
    if made.thread_problem:
        await tell_in_thread(client, context, user_id, made.thread_problem)
    for name, why in made.refused:
        await tell_in_thread(client, context, user_id, replies.not_attached(name, why))


async def on_message_note(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    form, user_id = NoteForm.from_view(view), submitter(body)
    target = await ack_with_target(ack, services, user_id, form, private_note=form.private)
    if target is None:
        return
    context, reads = form.context, SlackReads(client, services.slack_users)
    async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
        permalink = await missing_permalink(reads, context)
        formatting = services.settings.redmine_text_formatting
        added = await add_message_note(target, form, permalink, formatting)
        base_url = services.settings.redmine_base_url
        text = replies.note_added(base_url, user_id, added.issue, private=added.private)
        await post_in_thread(client, context, user_id, text, private=added.private)


async def on_message_time(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    form, user_id = TimeForm.from_view(view), submitter(body)
    errors, budget = form.errors(), AckBudget.starting_now()  # one budget for both checks
    target = await checked_target(services, user_id, form.issue_id, errors, budget)
    activity = await check_activity(target, form.activity_id, errors, budget) if target else None
    if errors or target is None or form.hours is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    context = form.context
    async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
        logged = await log_message_time(target, form, form.hours, activity)
        base_url = services.settings.redmine_base_url
        text = replies.time_logged(base_url, user_id, logged.issue, logged.entry, logged.activity)
        await post_in_thread(client, context, user_id, text, private=logged.issue.is_private)


async def on_message_attach(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    services: Services,
) -> None:
    form, user_id = MessageAttachForm.from_view(view), submitter(body)
    target = await ack_with_target(ack, services, user_id, form)
    if target is None:
        return
    context, reads = form.context, SlackReads(client, services.slack_users)
    async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
        permalink = context.permalink or await missing_permalink(reads, context)
        found = await find_files(reads, context.file_ids)
        formatting = services.settings.redmine_text_formatting
        done = await attach_from_message(
            target.redmine, services.files, target.issue.id, found, permalink, formatting
        )
        await tell_attached(client, services, context, user_id, target, done.attached, done.refused)


async def tell_attached(
    client: AsyncWebClient,
    services: Services,
    context: ModalContext,
    user_id: str,
    target: Target,
    attached: list[str],
    refused: list[tuple[str, str]],
) -> None:
    """What attached goes to the thread; what did not (or "no files") to the person only."""
    link = issue_link(services.settings.redmine_base_url, target.issue.id)
    if attached:
        text = f"<@{user_id}>: " + replies.attached_files(attached, link)
        await post_in_thread(client, context, user_id, text, private=target.issue.is_private)
    if refused or not attached:
        await tell_in_thread(client, context, user_id, replies.attach_summary([], refused, link))


def register(app: AsyncApp, services: Services) -> None:
    provide = [providing(services)]
    app.view(modals.CREATE_ISSUE_VIEW, middleware=provide)(on_new_issue)
    app.view(modals.CONNECT_VIEW, middleware=provide)(on_connect)
    app.view(modals.ATTACH_VIEW, middleware=provide)(on_attach)
    app.view(modals.MESSAGE_ISSUE_VIEW, middleware=provide)(on_new_issue)
    app.view(modals.MESSAGE_NOTE_VIEW, middleware=provide)(on_message_note)
    app.view(modals.MESSAGE_TIME_VIEW, middleware=provide)(on_message_time)
    app.view(modals.MESSAGE_ATTACH_VIEW, middleware=provide)(on_message_attach)
