"""`/redmine`: ack at once, parse, then do the work as the person and answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import grammar
from bot.blocks.help import help_blocks, help_text
from bot.blocks.issues import issue_card, issue_card_text, issue_link, issue_list, search_results
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import attach_modal, connect_modal, create_issue_modal, message_view
from bot.commands.from_message import mentioned_user_ids
from bot.commands.issues import add_note, create_issue, my_open_issues, split_create_words
from bot.commands.search import search_issues
from bot.commands.timelog import TimeLogger
from bot.identity import NotLinked
from bot.notify.subscriptions import list_subscriptions, subscribe, unsubscribe
from bot.services import Services
from bot.slackreads import SlackReads
from bot.text import escape_mrkdwn, slack_to_redmine
from handlers.common import acting_as, answering_failures, ephemeral
from handlers.reminders import answer_remind
from handlers.time_reports import answer_time

Handler = Callable[..., Awaitable[None]]

NOT_CONNECTED = "You have no connected Redmine account; nothing to forget."
DISCONNECTED = "Forgot your connected Redmine account. `/redmine whoami` shows who you are now."


def register(app: AsyncApp, services: Services, time_logger: TimeLogger | None = None) -> None:
    logger = time_logger or TimeLogger()
    settings = services.settings
    base_url = settings.redmine_base_url

    async def open_modal(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> str:
        opened = await client.views_open(trigger_id=trigger_id, view=view)
        return str(opened["view"]["id"])

    async def on_redmine(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        try:
            parsed = grammar.parse(command.get("text", ""))
        except grammar.UsageError as error:
            await ack(
                text=help_text(error.message, error.subcommand),
                blocks=help_blocks(error.message, error.subcommand),
            )
            return
        if isinstance(parsed, grammar.Help):
            await ack(text=help_text(topic=parsed.topic), blocks=help_blocks(topic=parsed.topic))
            return
        await ack()
        user_id = command["user_id"]
        channel_id = command.get("channel_id", "")
        say = ephemeral(respond)
        async with answering_failures(services, user_id, say):
            await dispatch(parsed, user_id, channel_id, command, respond, client, say)

    async def dispatch(
        parsed: grammar.Command,
        user_id: str,
        channel_id: str,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        say: Callable[[str], Awaitable[Any]],
    ) -> None:
        context = ModalContext(channel_id=channel_id)
        # Modals first: the trigger expires three seconds after the command.
        if isinstance(parsed, grammar.Connect):
            await open_modal(client, command["trigger_id"], connect_modal(context))
            return
        if isinstance(parsed, grammar.Create) and not parsed.words:
            view_id = await open_modal(client, command["trigger_id"], create_issue_modal(context))
            await refuse_in_view_if_unlinked(client, view_id, user_id)
            return
        if isinstance(parsed, grammar.Attach):
            view_id = await open_modal(
                client,
                command["trigger_id"],
                attach_modal(
                    ModalContext(channel_id=channel_id, issue_id=parsed.issue_id),
                    f"#{parsed.issue_id}",
                ),
            )
            await refuse_in_view_if_unlinked(client, view_id, user_id)
            return
        if isinstance(parsed, grammar.Time):
            await answer_time(services, client, user_id, parsed, respond)
            return
        if isinstance(parsed, grammar.Remind):
            await answer_remind(services, client, user_id, parsed, say)
            return
        if isinstance(parsed, grammar.Disconnect):
            existed = await services.identity.disconnect(user_id)
            await say(DISCONNECTED if existed else NOT_CONNECTED)
            return
        identity, redmine = await acting_as(services, user_id)
        if isinstance(parsed, grammar.Whoami):
            await say(identity.describe())
        elif isinstance(parsed, grammar.Create):
            new = await split_create_words(redmine, parsed.words)
            issue = await create_issue(redmine, new.project, new.subject)
            await respond(
                response_type="in_channel",
                replace_original=False,
                text=f"<@{user_id}> created {issue_card_text(issue)}",
                blocks=issue_card(
                    issue, base_url, settings.redmine_text_formatting, with_description=False
                ),
            )
        elif isinstance(parsed, grammar.Show):
            issue = await redmine.issues.get(parsed.issue_id)
            await respond(
                response_type="ephemeral",
                text=issue_card_text(issue),
                blocks=issue_card(issue, base_url, settings.redmine_text_formatting),
            )
        elif isinstance(parsed, grammar.Note):
            names = await SlackReads(client, services.slack_users).names(
                mentioned_user_ids([parsed.text])
            )
            note = slack_to_redmine(parsed.text, settings.redmine_text_formatting, names=names)
            await add_note(redmine, parsed.issue_id, note)
            await say(f"Added your note to {issue_link(base_url, parsed.issue_id)}.")
        elif isinstance(parsed, grammar.Log):
            entry, activity = await logger.log(redmine, parsed.issue_id, parsed.hours, parsed.rest)
            what = f" of {escape_mrkdwn(activity.name)}" if activity else ""
            await say(f"Logged {entry.hours:g} h{what} on {issue_link(base_url, parsed.issue_id)}.")
        elif isinstance(parsed, grammar.Search):
            page = await search_issues(redmine, parsed.words)
            await respond(
                response_type="ephemeral",
                text=f"Search: {escape_mrkdwn(parsed.words)}",
                blocks=search_results(
                    page.query,
                    page.results,
                    page.statuses,
                    offset=page.offset,
                    total=page.total,
                    base_url=base_url,
                ),
            )
        elif isinstance(parsed, grammar.Mine):
            issues = await my_open_issues(redmine)
            await respond(
                response_type="ephemeral",
                text="Your open issues",
                blocks=issue_list(
                    issues,
                    base_url,
                    heading="*Your open issues*",
                    empty="Nothing is assigned to you. :tada:",
                ),
            )
        elif isinstance(parsed, grammar.Subscribe):
            await say(
                await subscribe(
                    services, redmine, identity, channel_id, parsed.project, parsed.filters
                )
            )
        elif isinstance(parsed, grammar.Unsubscribe):
            await say(await unsubscribe(services, redmine, channel_id, parsed.project))
        elif isinstance(parsed, grammar.Subscriptions):
            await say(await list_subscriptions(services, channel_id))

    async def refuse_in_view_if_unlinked(
        client: AsyncWebClient, view_id: str, user_id: str
    ) -> None:
        """The form opened at once (trigger deadline); replace it if we can't act for them."""
        try:
            await services.identity.resolve(user_id)
        except NotLinked as error:
            await client.views_update(view_id=view_id, view=message_view("Redmine", error.message))

    app.command("/redmine")(on_redmine)
