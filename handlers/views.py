"""Modal submissions: validate before the ack (field errors), write to Redmine after it."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.actions.errors import UserFacingError
from bot.blocks import modals
from bot.blocks.issues import issue_card, issue_card_text, issue_link
from bot.blocks.message_context import MessageContext
from bot.blocks.modals import message_view
from bot.commands.attach import AttachOutcome, attach_files
from bot.commands.from_message import (
    description_with_thread,
    mentioned_user_ids,
    permalink_line,
    render_thread,
)
from bot.commands.issue_form import project_activities, project_for_issues, visible_issue
from bot.commands.issues import add_note, create_issue
from bot.commands.message_files import Uploaded, attach_message_files, look_up, upload_all
from bot.commands.projects import visible_projects
from bot.forms import (
    AttachForm,
    ConnectForm,
    CreateIssueForm,
    MessageAttachForm,
    MessageIssueForm,
    NoteForm,
    TimeForm,
)
from bot.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError, RedmineError, user_message
from bot.redmine.models import EnumerationItem, Issue
from bot.services import Services
from bot.slackreads import SlackReads, ThreadUnreadable
from bot.text import escape_mrkdwn, slack_to_redmine
from handlers.common import acting_as, answering_failures, tell, teller
from handlers.replies import post_in_thread, tell_in_thread, thread_teller

# Checking a pasted key with Redmine happens before the ack so a bad key gets its field
# error; past this the ack would come too late for Slack's three seconds.
CONNECT_CHECK_SECONDS = limits.ACK_SECONDS - 0.8


def register(app: AsyncApp, services: Services) -> None:
    settings = services.settings
    base_url = settings.redmine_base_url

    async def on_create_issue(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = CreateIssueForm.from_view(view)
        errors = form.errors()
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user_id = body["user"]["id"]
        channel_id = form.context.channel_id
        say = teller(client, channel_id, user_id)
        async with answering_failures(services, user_id, say):
            _, redmine = await acting_as(services, user_id)
            projects = {p.id: p for p in await visible_projects(redmine)}
            project = projects.get(form.project_id or 0)
            if project is None:
                raise UserFacingError("You can't see that project in Redmine any more.")
            fields = form.fields()
            if "description" in fields:
                fields["description"] = slack_to_redmine(
                    fields["description"], settings.redmine_text_formatting
                )
            issue = await create_issue(redmine, project, form.subject, **fields)
            card = issue_card(
                issue, base_url, settings.redmine_text_formatting, with_description=False
            )
            created = f"Created {issue_link(base_url, issue.id, issue.subject)}."
            if not channel_id:
                await say(created)
                return
            try:
                await client.chat_postMessage(
                    channel=channel_id,
                    text=f"<@{user_id}> created {issue_card_text(issue)}",
                    blocks=card,
                )
            except SlackApiError:  # e.g. the bot is not in that channel: tell the person instead
                await say(created)

    async def on_connect(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        form = ConnectForm.from_view(view)
        errors = form.errors()
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        user_id = body["user"]["id"]
        try:
            identity = await asyncio.wait_for(
                services.identity.connect(user_id, form.api_key), CONNECT_CHECK_SECONDS
            )
        except NotLinked as error:
            await ack(response_action="errors", errors={modals.API_KEY: error.message})
            return
        except TimeoutError:
            await ack(
                response_action="errors",
                errors={modals.API_KEY: "Redmine did not answer in time. Try again in a minute."},
            )
            return
        except RedmineError as error:
            await ack(response_action="errors", errors={modals.API_KEY: user_message(error)})
            return
        await ack(
            response_action="update",
            view=message_view(
                "Redmine connected",
                f"You now act in Redmine as `{identity.login}`. `/redmine disconnect` undoes this.",
            ),
        )

    async def on_attach(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = AttachForm.from_view(view)
        errors = form.errors()
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user_id = body["user"]["id"]
        issue_id = form.context.issue_id or 0
        say = teller(client, form.context.channel_id, user_id)
        async with answering_failures(services, user_id, say):
            _, redmine = await acting_as(services, user_id)
            outcome = await attach_files(redmine, services.files, issue_id, form.files)
            await tell(
                client,
                form.context.channel_id,
                user_id,
                outcome.summary(issue_link(base_url, issue_id)),
            )

    app.view(modals.CREATE_ISSUE_VIEW)(on_create_issue)
    app.view(modals.CONNECT_VIEW)(on_connect)
    app.view(modals.ATTACH_VIEW)(on_attach)
    register_message_views(app, services)


# -- message shortcuts' submissions -----------------------------------------------------
# Checked before the ack: the fields, then (for forms naming an issue) that the person
# can see the issue. Every Redmine check before the ack shares one VALIDATE_SECONDS
# budget, so the ack always comes inside Slack's three seconds however slow Redmine is
# (api.slack.com/surfaces/modals: view_submission must be acknowledged within 3 s): a
# late ack makes Slack show an error while the write still happens, and a retry writes
# twice. Past the budget the person gets a field error, their input intact. Written
# after the ack, as the person, and answered in the message's thread.

VALIDATE_SECONDS = limits.ACK_SECONDS - 0.8  # room for the ack to travel back
REDMINE_SLOW = "Redmine did not answer in time. Try again in a minute."


def ack_deadline() -> float:
    """When the pre-ack checks of a submission arriving now must be done (loop time)."""
    return asyncio.get_running_loop().time() + VALIDATE_SECONDS


REACTION = "ticket"


def register_message_views(app: AsyncApp, services: Services) -> None:
    settings = services.settings
    base_url = settings.redmine_base_url
    formatting = settings.redmine_text_formatting

    async def checked_issue(
        user_id: str, issue_id: int | None, errors: dict[str, str], deadline: float
    ) -> tuple[Issue, Redmine] | None:
        """The issue as the person sees it, or None with the reason added to `errors`.

        Redmine is not asked when the issue field already failed its own checks;
        `deadline` (loop time) is the submission's whole pre-ack budget.
        """
        if issue_id is None or modals.ISSUE in errors:
            return None
        try:
            async with asyncio.timeout_at(deadline):
                _, redmine = await acting_as(services, user_id)
                return await visible_issue(redmine, issue_id), redmine
        except (NotLinked, UserFacingError) as error:
            errors[modals.ISSUE] = error.message
        except TimeoutError:
            errors[modals.ISSUE] = REDMINE_SLOW
        except RedmineError as error:
            if isinstance(error, ImpersonationError):
                services.identity.forget(user_id)
            errors[modals.ISSUE] = user_message(error)
        return None

    async def with_permalink(context: MessageContext, text: str, reads: SlackReads) -> str:
        """Add the message's link when the form could not be prefilled with it in time."""
        if context.permalink or not context.message_ts:
            return text
        permalink = await reads.permalink(context.channel_id, context.message_ts)
        if not permalink:
            return text
        return f"{text}\n\n{permalink_line(permalink, formatting)}"

    async def on_message_issue(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = MessageIssueForm.from_view(view)
        errors = modals.scoped_errors(form.errors(), view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user_id = body["user"]["id"]
        context = form.context
        reads = SlackReads(client, services.slack_users)
        async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
            _, redmine = await acting_as(services, user_id)
            project = await project_for_issues(redmine, form.project_id or 0)
            fields = form.fields()
            description = await with_permalink(context, fields.get("description", ""), reads)
            thread_problem: str | None = None
            if form.include_thread and context.channel_id and context.thread_ts:
                try:
                    thread = await reads.thread(context.channel_id, context.thread_ts)
                except ThreadUnreadable as unreadable:
                    thread, thread_problem = [], unreadable.message
                authors = {m.user_id for m in thread if m.user_id}
                names = await reads.names(authors | mentioned_user_ids(m.text for m in thread))
                rendered = render_thread(
                    thread, formatting, names=names, skip_ts=context.message_ts
                )
                description = description_with_thread(description, rendered)
            if description:
                fields["description"] = description
            uploaded = Uploaded()
            if form.attach_message_files and context.file_ids:
                found, missing = await look_up(reads, context.file_ids)
                uploaded = await upload_all(redmine, services.files, found)
                uploaded.outcome.refused.extend(missing)
                if uploaded.specs:
                    fields["uploads"] = uploaded.specs
            issue = await create_issue(redmine, project, form.subject, **fields)
            link = issue_link(base_url, issue.id, None if issue.is_private else issue.subject)
            created = f"<@{user_id}> created {link}"
            if uploaded.outcome.attached:
                names_list = ", ".join(f"`{escape_mrkdwn(n)}`" for n in uploaded.outcome.attached)
                created += f" with {names_list}"
            await post_in_thread(client, context, user_id, created + ".", private=issue.is_private)
            if not issue.is_private and context.channel_id and context.message_ts:
                await reads.react(context.channel_id, context.message_ts, REACTION)
            if thread_problem:
                await tell_in_thread(client, context, user_id, thread_problem)
            for name, why in uploaded.outcome.refused:
                await tell_in_thread(
                    client, context, user_id, f"`{escape_mrkdwn(name)}` was not attached: {why}"
                )

    async def on_message_note(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = NoteForm.from_view(view)
        errors = form.errors()
        user_id = body["user"]["id"]
        checked = await checked_issue(user_id, form.issue_id, errors, ack_deadline())
        if errors or checked is None:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        issue, redmine = checked
        context = form.context
        async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
            note = await with_permalink(
                context, form.note, SlackReads(client, services.slack_users)
            )
            await add_note(redmine, issue.id, note, private=form.private)
            link = issue_link(base_url, issue.id)
            private = form.private or issue.is_private
            text = (
                f"Added your private note to {link}."
                if private
                else f"<@{user_id}> added this as a note to {link}."
            )
            await post_in_thread(client, context, user_id, text, private=private)

    async def on_message_time(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = TimeForm.from_view(view)
        errors = form.errors()
        user_id = body["user"]["id"]
        activity: EnumerationItem | None = None
        deadline = ack_deadline()  # one budget for both checks, not one each
        checked = await checked_issue(user_id, form.issue_id, errors, deadline)
        if checked is not None and form.activity_id is not None:
            issue, redmine = checked
            try:
                async with asyncio.timeout_at(deadline):
                    activities = await project_activities(redmine, issue.project.id)
            except (TimeoutError, RedmineError):
                activities = []  # Redmine will judge the activity itself
            activity = next((a for a in activities if a.id == form.activity_id), None)
            if activities and activity is None:
                errors[modals.ACTIVITY] = (
                    f"That activity is not used in {issue.project.name}; choose another."
                )
        if errors or checked is None or form.hours is None:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        issue, redmine = checked
        context = form.context
        async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
            fields: dict[str, Any] = {
                "issue_id": issue.id,
                "activity_id": form.activity_id,
                "comments": form.comment,
            }
            if form.spent_on is not None:
                fields["spent_on"] = form.spent_on.isoformat()
            entry = await redmine.time_entries.create(hours=str(form.hours), **fields)
            what = f" of {escape_mrkdwn(activity.name)}" if activity else ""
            link = issue_link(base_url, issue.id)
            text = f"<@{user_id}> logged {entry.hours:g} h{what} on {link}."
            await post_in_thread(client, context, user_id, text, private=issue.is_private)

    async def on_message_attach(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = MessageAttachForm.from_view(view)
        errors = form.errors()
        user_id = body["user"]["id"]
        checked = await checked_issue(user_id, form.issue_id, errors, ack_deadline())
        if errors or checked is None:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        issue, redmine = checked
        context = form.context
        reads = SlackReads(client, services.slack_users)
        async with answering_failures(services, user_id, thread_teller(client, context, user_id)):
            permalink = context.permalink
            if permalink is None and context.message_ts:
                permalink = await reads.permalink(context.channel_id, context.message_ts)
            note = permalink_line(permalink, formatting) if permalink else None
            outcome = await attach_message_files(
                redmine, services.files, reads, issue.id, context.file_ids, note=note
            )
            link = issue_link(base_url, issue.id)
            if outcome.attached:
                attached = AttachOutcome(attached=outcome.attached)
                text = f"<@{user_id}>: " + attached.summary(link)
                await post_in_thread(client, context, user_id, text, private=issue.is_private)
            refused = AttachOutcome(refused=outcome.refused)
            if outcome.refused or not outcome.attached:
                await tell_in_thread(client, context, user_id, refused.summary(link))

    app.view(modals.MESSAGE_ISSUE_VIEW)(on_message_issue)
    app.view(modals.MESSAGE_NOTE_VIEW)(on_message_note)
    app.view(modals.MESSAGE_TIME_VIEW)(on_message_time)
    app.view(modals.MESSAGE_ATTACH_VIEW)(on_message_attach)
