"""`/redmine`: ack at once, parse, then one listener per command does the work as the person."""

from __future__ import annotations

from typing import assert_never

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.actions import connect, connect_oauth, subscribe
from bot.actions.add_note import add_slack_note
from bot.actions.card import watched_by
from bot.actions.create_issue import create_from_words
from bot.actions.log_time import log_time_from_words
from bot.actions.mine import my_open_issues
from bot.actions.search import search_issues
from bot.actions.show import show_issue
from bot.actions.subscription_filters import parse_filters
from bot.blocks import answers, replies
from bot.blocks.issues import issue_card, issue_card_text, issue_list
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import (
    CREATE_ISSUE_VIEW,
    IssueFormState,
    attach_modal,
    connect_modal,
    issue_modal,
)
from bot.i18n import N_, _
from bot.inputs import grammar
from bot.inputs.help import help_blocks, help_text
from bot.slack.door.payloads import SlashCommand
from bot.text import escape_mrkdwn
from handlers.actions import search_page_blocks
from handlers.asked import Asked
from handlers.channels import channel_facts, join_channel
from handlers.reminders import answer_remind
from handlers.time_reports import answer_time

MINE_HEADING = N_("*Your open issues*")
MINE_EMPTY = N_("Nothing is assigned to you. :tada:")


async def on_redmine(ack: AsyncAck, asked: Asked) -> None:
    command = SlashCommand.model_validate(asked.body)
    try:
        parsed = grammar.parse(command.text)
    except grammar.UsageError as error:
        problem, topic = error.message, error.subcommand
        await ack(text=help_text(problem, topic), blocks=help_blocks(problem, topic))
        return
    if isinstance(parsed, grammar.Help):  # the answer is the ack itself
        await ack(text=help_text(topic=parsed.topic), blocks=help_blocks(topic=parsed.topic))
        return
    await ack()
    async with asked.answering_failures():
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
        context = ModalContext(asked.channel_id or "")
        await asked.open_form(issue_modal(context, IssueFormState(), callback_id=CREATE_ISSUE_VIEW))
        return
    issue = await create_from_words(await asked.redmine(), parsed.words)
    card = issue_card(
        issue, asked.base_url, asked.formatting, with_description=False, with_actions=True
    )
    person = f"<@{asked.user_id}>"
    text = _("{person} created {issue}", person=person, issue=issue_card_text(issue))
    if issue.is_private:  # a private issue never reaches the channel
        await asked.show(f"{text}\n{_(replies.PRIVATE_CREATED)}", card)
        return
    await asked.announce(text, card)


async def on_show(parsed: grammar.Show, asked: Asked) -> None:
    identity, redmine = await asked.acting()
    issue = await show_issue(redmine, parsed.issue_id)
    watching = watched_by(issue, identity.redmine_user_id)  # only the asker sees this card
    card = issue_card(issue, asked.base_url, asked.formatting, with_actions=True, watching=watching)
    await asked.show(issue_card_text(issue), card)


async def on_note(parsed: grammar.Note, asked: Asked) -> None:
    redmine = await asked.redmine()
    names = await asked.mentioned_names(parsed.text)
    await add_slack_note(
        redmine, parsed.issue_id, parsed.text, formatting=asked.formatting, names=names
    )
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
    await asked.show(_("Search: {words}", words=escape_mrkdwn(parsed.words)), blocks)


async def on_attach(parsed: grammar.Attach, asked: Asked) -> None:
    context = ModalContext(channel_id=asked.channel_id or "", issue_id=parsed.issue_id)
    await asked.open_form(attach_modal(context, f"#{parsed.issue_id}"))


async def on_subscribe(parsed: grammar.Subscribe, asked: Asked) -> None:
    services = asked.services
    identity, redmine = await asked.acting()
    options = parse_filters(parsed.filters)
    channel = await channel_facts(services.slack, asked.channel_id or "")
    zone = await asked.reads.zone(asked.user_id)
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
    done = await subscribe.unsubscribe(
        asked.services.sessions, asked.channel_id or "", parsed.project
    )
    await asked.say(answers.unsubscribed_text(done.project_name))


async def on_subscriptions(_parsed: grammar.Subscriptions, asked: Asked) -> None:
    await asked.redmine()  # as before: the list is for people linked to Redmine
    listed = await subscribe.list_subscriptions(asked.services.sessions, asked.channel_id or "")
    await asked.say(answers.subscriptions_text(listed))


async def on_connect(_parsed: grammar.Connect, asked: Asked) -> None:
    # No identity check first: connecting is how a person Redmine does not know gets in.
    # The OAuth offer is known from start-up's probe: the trigger is still fresh.
    offer = await connect_oauth.offer(asked.services.identity, asked.user_id)
    view = connect_modal(ModalContext(channel_id=asked.channel_id or ""), offer)
    await asked.client.views_open(trigger_id=asked.trigger_id, view=view)


async def on_disconnect(_parsed: grammar.Disconnect, asked: Asked) -> None:
    done = await connect.disconnect(asked.services.identity, asked.user_id)
    await asked.say(answers.disconnected_text(done.existed))


async def on_whoami(_parsed: grammar.Whoami, asked: Asked) -> None:
    identity = await connect.whoami(asked.services.identity, asked.user_id)
    await asked.say(identity.describe())


async def on_time(parsed: grammar.Time, asked: Asked) -> None:
    await answer_time(parsed, asked)


async def on_remind(parsed: grammar.Remind, asked: Asked) -> None:
    await answer_remind(parsed, asked)


async def on_mine(_parsed: grammar.Mine, asked: Asked) -> None:
    issues = await my_open_issues(await asked.redmine())
    blocks = issue_list(issues, asked.base_url, heading=_(MINE_HEADING), empty=_(MINE_EMPTY))
    await asked.show(_("Your open issues"), blocks)


def register(app: AsyncApp) -> None:
    app.command("/redmine")(on_redmine)
