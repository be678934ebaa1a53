"""Modal submissions: validate before the ack (field errors), write to Redmine after it."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import modals
from bot.blocks.issues import issue_card, issue_card_text, issue_link
from bot.blocks.modals import message_view
from bot.commands.attach import attach_files
from bot.commands.errors import CommandError
from bot.commands.issues import create_issue
from bot.commands.projects import visible_projects
from bot.forms import AttachForm, ConnectForm, CreateIssueForm
from bot.identity import NotLinked
from bot.redmine.errors import RedmineError, user_message
from bot.services import Services
from bot.text import slack_to_redmine
from handlers.common import acting_as, answering_failures, tell, teller

# Checking a pasted key with Redmine happens before the ack so a bad key gets its field
# error; past this the ack would come too late for Slack's three seconds.
CONNECT_CHECK_SECONDS = 2.2


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
                raise CommandError("You can't see that project in Redmine any more.")
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
