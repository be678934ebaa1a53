"""`/redmine`: ack at once, parse, then one listener per command does the work as the person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_never

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import connect, subscribe
from bot.actions.add_note import add_slack_note
from bot.actions.card import watched_by
from bot.actions.create_issue import create_from_words
from bot.actions.log_time import log_time_from_words
from bot.actions.mine import my_open_issues
from bot.actions.search import search_issues
from bot.actions.show import show_issue
from bot.actions.subscription_filters import parse_filters
from bot.blocks import answers
from bot.blocks.common import Block
from bot.blocks.issues import issue_card, issue_card_text, issue_list
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import (
    CREATE_ISSUE_VIEW,
    IssueFormState,
    attach_modal,
    connect_modal,
    issue_modal,
)
from bot.domain.message_text import mentioned_user_ids
from bot.inputs import grammar
from bot.inputs.help import help_blocks, help_text
from bot.redmine import Redmine
from bot.services import Services
from bot.slack.door.payloads import SlashCommand
from bot.slack.web.reads import SlackReads
from bot.text import escape_mrkdwn
from handlers.channels import channel_facts, join_channel
from handlers.common import (
    acting_as,
    answering_failures,
    open_form,
    providing,
    search_page_blocks,
)
from handlers.reminders import answer_remind
from handlers.time_reports import answer_time

MINE_HEADING = "*Your open issues*"
MINE_EMPTY = "Nothing is assigned to you. :tada:"


@dataclass(frozen=True)
class Asked:
    """One `/redmine` request, typed once at the edge, with the ways to answer it."""

    services: Services
    command: SlashCommand
    respond: AsyncRespond
    client: AsyncWebClient

    @property
    def base_url(self) -> str:
        return self.services.settings.redmine_base_url

    async def say(self, text: str) -> None:
        """Only the person who asked sees it."""
        await self.respond(text=text, response_type="ephemeral", replace_original=False)

    async def show(self, text: str, blocks: list[Block]) -> None:
        await self.respond(response_type="ephemeral", text=text, blocks=blocks)

    async def redmine(self) -> Redmine:
        """The adapter view acting as the person (never the admin)."""
        _, redmine = await acting_as(self.services, self.command.user_id)
        return redmine

    async def open_modal(self, view: dict[str, Any]) -> str:
        opened = await self.client.views_open(trigger_id=self.command.trigger_id, view=view)
        return str(opened["view"]["id"])

    async def open_form(self, view: dict[str, Any]) -> None:
        command = self.command
        await open_form(self.client, self.services, command.trigger_id, command.user_id, view)


async def on_redmine(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    services: Services,
) -> None:
    asked = Asked(services, SlashCommand.model_validate(command), respond, client)
    try:
        parsed = grammar.parse(asked.command.text)
    except grammar.UsageError as error:
        problem, topic = error.message, error.subcommand
        await ack(text=help_text(problem, topic), blocks=help_blocks(problem, topic))
        return
    if isinstance(parsed, grammar.Help):  # the answer is the ack itself
        await ack(text=help_text(topic=parsed.topic), blocks=help_blocks(topic=parsed.topic))
        return
    await ack()
    async with answering_failures(services, asked.command.user_id, asked.say):
        await dispatch(parsed, asked)


async def dispatch(parsed: grammar.Command, asked: Asked) -> None:
    """One listener per command type; mypy fails here when a new type has none."""
    match parsed:
        case grammar.Help():
            await on_help(parsed, asked)
        case grammar.Create():
            await on_create(parsed, asked)
        case grammar.Show():
            await on_show(parsed, asked)
        case grammar.Note():
            await on_note(parsed, asked)
        case grammar.Log():
            await on_log(parsed, asked)
        case grammar.Search():
            await on_search(parsed, asked)
        case grammar.Attach():
            await on_attach(parsed, asked)
        case grammar.Subscribe():
            await on_subscribe(parsed, asked)
        case grammar.Unsubscribe():
            await on_unsubscribe(parsed, asked)
        case grammar.Subscriptions():
            await on_subscriptions(parsed, asked)
        case grammar.Connect():
            await on_connect(parsed, asked)
        case grammar.Disconnect():
            await on_disconnect(parsed, asked)
        case grammar.Whoami():
            await on_whoami(parsed, asked)
        case grammar.Mine():
            await on_mine(parsed, asked)
        case grammar.Time():
            await on_time(parsed, asked)
        case grammar.Remind():
            await on_remind(parsed, asked)
        case _:
            assert_never(parsed)


async def on_help(parsed: grammar.Help, asked: Asked) -> None:
    """Help is answered in the ack (`on_redmine`); this serves a Help reached any other way."""
    await asked.show(help_text(topic=parsed.topic), help_blocks(topic=parsed.topic))


async def on_create(parsed: grammar.Create, asked: Asked) -> None:
    if not parsed.words:
        context = ModalContext(asked.command.channel_id)
        await asked.open_form(issue_modal(context, IssueFormState(), callback_id=CREATE_ISSUE_VIEW))
        return
    issue = await create_from_words(await asked.redmine(), parsed.words)
    formatting = asked.services.settings.redmine_text_formatting
    await asked.respond(
        response_type="in_channel",
        replace_original=False,
        text=f"<@{asked.command.user_id}> created {issue_card_text(issue)}",
        blocks=issue_card(
            issue, asked.base_url, formatting, with_description=False, with_actions=True
        ),
    )


async def on_show(parsed: grammar.Show, asked: Asked) -> None:
    identity, redmine = await acting_as(asked.services, asked.command.user_id)
    issue = await show_issue(redmine, parsed.issue_id)
    formatting = asked.services.settings.redmine_text_formatting
    watching = watched_by(issue, identity.redmine_user_id)  # only the asker sees this card
    card = issue_card(issue, asked.base_url, formatting, with_actions=True, watching=watching)
    await asked.show(issue_card_text(issue), card)


async def on_note(parsed: grammar.Note, asked: Asked) -> None:
    redmine = await asked.redmine()
    reads = SlackReads(asked.client, asked.services.slack_users)
    names = await reads.names(mentioned_user_ids([parsed.text]))
    formatting = asked.services.settings.redmine_text_formatting
    await add_slack_note(redmine, parsed.issue_id, parsed.text, formatting=formatting, names=names)
    await asked.say(answers.note_added_text(asked.base_url, parsed.issue_id))


async def on_log(parsed: grammar.Log, asked: Asked) -> None:
    redmine = await asked.redmine()
    logged = await log_time_from_words(redmine, parsed.issue_id, parsed.hours, parsed.rest)
    activity = logged.activity.name if logged.activity else None
    text = answers.time_logged_text(asked.base_url, parsed.issue_id, logged.entry.hours, activity)
    await asked.say(text)


async def on_search(parsed: grammar.Search, asked: Asked) -> None:
    page = await search_issues(await asked.redmine(), parsed.words)
    blocks = search_page_blocks(page, asked.base_url)
    await asked.show(f"Search: {escape_mrkdwn(parsed.words)}", blocks)


async def on_attach(parsed: grammar.Attach, asked: Asked) -> None:
    context = ModalContext(channel_id=asked.command.channel_id, issue_id=parsed.issue_id)
    await asked.open_form(attach_modal(context, f"#{parsed.issue_id}"))


async def on_subscribe(parsed: grammar.Subscribe, asked: Asked) -> None:
    services = asked.services
    identity, redmine = await acting_as(services, asked.command.user_id)
    options = parse_filters(parsed.filters)
    channel = await channel_facts(services.slack, asked.command.channel_id)
    zone = await SlackReads(asked.client, services.slack_users).zone(asked.command.user_id)
    done = await subscribe.subscribe(
        redmine,
        services.redmine,
        services.sessions,
        identity,
        channel,
        parsed.project,
        options,
        zone,
    )
    join_error = await join_channel(services.slack, channel.channel_id) if done.must_join else None
    await asked.say(
        answers.subscribed_text(
            done.project_name,
            done.filters,
            must_invite=done.must_invite,
            must_join=done.must_join,
            join_error=join_error,
            query_name=done.query_name,
            digest_zone=done.digest_zone,
        )
    )


async def on_unsubscribe(parsed: grammar.Unsubscribe, asked: Asked) -> None:
    await asked.redmine()  # only a person linked to Redmine may change what a channel gets
    sessions, channel_id = asked.services.sessions, asked.command.channel_id
    done = await subscribe.unsubscribe(sessions, channel_id, parsed.project)
    await asked.say(answers.unsubscribed_text(done.project_name))


async def on_subscriptions(_: grammar.Subscriptions, asked: Asked) -> None:
    await asked.redmine()  # as before: the list is for people linked to Redmine
    listed = await subscribe.list_subscriptions(asked.services.sessions, asked.command.channel_id)
    await asked.say(answers.subscriptions_text(listed))


async def on_connect(_: grammar.Connect, asked: Asked) -> None:
    await asked.open_modal(connect_modal(ModalContext(channel_id=asked.command.channel_id)))


async def on_disconnect(_: grammar.Disconnect, asked: Asked) -> None:
    done = await connect.disconnect(asked.services.identity, asked.command.user_id)
    await asked.say(answers.disconnected_text(done.existed))


async def on_whoami(_: grammar.Whoami, asked: Asked) -> None:
    identity = await connect.whoami(asked.services.identity, asked.command.user_id)
    await asked.say(identity.describe())


async def on_time(parsed: grammar.Time, asked: Asked) -> None:
    command = asked.command
    await answer_time(asked.services, asked.client, command.user_id, parsed, asked.respond)


async def on_remind(parsed: grammar.Remind, asked: Asked) -> None:
    command = asked.command
    await answer_remind(asked.services, asked.client, command.user_id, parsed, asked.say)


async def on_mine(_: grammar.Mine, asked: Asked) -> None:
    issues = await my_open_issues(await asked.redmine())
    blocks = issue_list(issues, asked.base_url, heading=MINE_HEADING, empty=MINE_EMPTY)
    await asked.show("Your open issues", blocks)


def register(app: AsyncApp, services: Services) -> None:
    app.command("/redmine", middleware=[providing(services)])(on_redmine)
