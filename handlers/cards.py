"""The buttons on issue cards: ack, act as the person who clicked, redraw the card.

After an action the card the person clicked shows the issue as it is now: `chat.update`
for a message the bot posted, the action's `response_url` with `replace_original` for an
ephemeral one (Slack cannot chat.update an ephemeral message; interaction payloads'
`container.is_ephemeral` says which). A failure is told to the clicker only.

The redrawn card is the clicker's answer, so a chat.update that Slack refuses does not
leave them without one (chat.update's Errors list): `cant_update_message` (a message the
bot did not post itself) is replaced through the action's response_url, which may replace
the message the action came from; `message_not_found` (deleted in Slack meanwhile) and any
other refusal show the clicker the card, alone, with a sentence saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError

from bot.actions import card
from bot.actions.issue_target import private_notes_refused
from bot.blocks import card_actions as ids
from bot.blocks import modals
from bot.blocks.card_actions import CardRef
from bot.blocks.common import Block, option, section
from bot.blocks.issues import issue_card, issue_card_text
from bot.blocks.metadata import ModalContext
from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.models import Issue
from bot.slack.door.payloads import BlockActions, BlockSuggestion
from handlers.asked import Asked
from handlers.home import publish_home

log = logging.getLogger(__name__)

Act = Callable[[Redmine, CardRef, int], Awaitable[Issue]]  # the person's Redmine id last
OUT_OF_DATE = N_("That button is out of date; show the issue again with `/redmine show`.")
CARD_GONE = N_("Done. The card you clicked is gone or cannot be redrawn; here is #{id} now:")


def card_of(asked: Asked) -> tuple[BlockActions, CardRef | None, dict[str, Any]]:
    clicked = BlockActions.model_validate(asked.body)
    action = clicked.actions[0]
    ref = CardRef.decode(action.value or "") or CardRef.decode(action.block_id or "")
    container = asked.body.get("container")
    return clicked, ref, container if isinstance(container, dict) else {}


async def redraw(
    asked: Asked,
    container: dict[str, Any],
    issue: Issue,
    redmine_user_id: int | None = None,
    respond: AsyncRespond | None = None,
) -> None:
    """`redmine_user_id`: the clicker's account, for the Watch label of a card only they
    see (an ephemeral one); a card in a channel keeps the label that fits everyone.
    `respond`: the card's response_url when it is not the request's (a form's)."""
    respond = respond or asked.respond
    if container.get("type") == "view":  # a row of the person's App Home: publish it anew
        await publish_home(asked)
        return
    text = issue_card_text(issue)
    channel_id, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("is_ephemeral") or not (channel_id and ts):
        watching = card.watched_by(issue, redmine_user_id) if redmine_user_id else None
        blocks = card_blocks(asked, issue, watching)
        if respond is not None and respond.response_url:
            await respond(replace_original=True, text=text, blocks=blocks)
        return
    blocks = card_blocks(asked, issue)
    try:
        await asked.client.chat_update(
            channel=str(channel_id), ts=str(ts), text=text, blocks=blocks
        )
        return
    except SlackApiError as error:
        refused = error.response.get("error")
        log.info("card %s not redrawn with chat.update: %s", ts, refused)
    if respond is not None and respond.response_url:
        if refused == "cant_update_message" and await replaced(respond, text, blocks):
            return
        sentence = _(CARD_GONE, id=issue.id)
        if await replaced(respond, sentence, [section(sentence), *blocks], in_place=False):
            return
    # The response_url is spent (5 uses, 30 minutes) or there is none (a late form).
    await asked.teller(str(channel_id))(_(CARD_GONE, id=issue.id))


def card_blocks(asked: Asked, issue: Issue, watching: bool | None = None) -> list[Block]:
    return issue_card(issue, asked.base_url, asked.formatting, with_actions=True, watching=watching)


async def replaced(
    respond: AsyncRespond, text: str, blocks: list[Block], *, in_place: bool = True
) -> bool:
    """Answer through the response_url: the clicked message replaced (`in_place`), or the
    card shown to the clicker alone. Whether Slack took it."""
    if in_place:
        answer = await respond(replace_original=True, text=text, blocks=blocks)
    else:
        answer = await respond(
            response_type="ephemeral", replace_original=False, text=text, blocks=blocks
        )
    if answer.status_code != 200:
        log.info("not answered through the response_url: %s", answer.body)
    return bool(answer.status_code == 200)


async def act(asked: Asked, do: Act) -> None:
    _action, ref, container = card_of(asked)
    say = asked.teller(container.get("channel_id") or None)
    async with asked.answering_failures(say):
        if ref is None:
            await say(_(OUT_OF_DATE))
            return
        identity, redmine = await asked.acting()
        try:
            issue = await do(redmine, ref, identity.redmine_user_id)
        except card.StaleCard as stale:
            await redraw(asked, container, stale.issue)
            await say(_(card.STALE, id=ref.issue_id))
            return
        await redraw(asked, container, issue, identity.redmine_user_id)


async def on_assign_me(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    await act(asked, card.assign_to_me)


async def on_status(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    chosen = BlockActions.model_validate(asked.body).actions[0].selected_option
    status_id = int(chosen.value) if chosen and chosen.value.isdigit() else 0

    async def move(redmine: Redmine, ref: CardRef, _user_id: int) -> Issue:
        return await card.set_status(redmine, ref, status_id)

    await act(asked, move)


async def on_watch(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    _action, _ref, container = card_of(asked)
    say = asked.teller(container.get("channel_id") or None)

    async def toggle(redmine: Redmine, ref: CardRef, redmine_user_id: int) -> Issue:
        done = await card.toggle_watch(redmine, ref, redmine_user_id)
        issue = f"#{ref.issue_id}"
        await say(
            _("You now watch {issue}.", issue=issue)
            if done.watching
            else _("You no longer watch {issue}.", issue=issue)
        )
        return done.issue

    await act(asked, toggle)


async def on_status_options(ack: AsyncAck, asked: Asked) -> None:
    """The clicking person's allowed statuses, read as them when they open the select."""
    block_id = BlockSuggestion.model_validate(asked.body).block_id
    ref = CardRef.decode(block_id)
    statuses = []
    if ref is not None:
        try:
            statuses = await card.allowed_statuses(await asked.redmine(), ref.issue_id)
        except Exception:
            log.info("statuses for card %s not read", block_id, exc_info=True)
    await ack(options=[option(status.name, str(status.id)) for status in statuses])


async def on_note(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    _action, ref, container = card_of(asked)
    context = thread_of(container)
    issue_id = ref.issue_id if ref else None
    view_id = await asked.open_form(modals.message_note_modal(context, "", issue_id=issue_id))
    if view_id is None or issue_id is None:
        return
    # The box is offered only where the person may write a private note; this is asked
    # after the form opened (the trigger lasts 3 s), and the submission checks it again.
    try:
        refused = await private_notes_refused(await asked.redmine(), issue_id)
    except Exception as error:  # the form keeps its box; submitting says what is wrong
        log.info("private-note permission for #%s not read: %s", issue_id, error)
        return
    if refused:
        without = modals.message_note_modal(context, "", issue_id=issue_id, no_private=refused)
        await asked.client.views_update(view_id=view_id, view=without)


async def on_log_time(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    _action, ref, container = card_of(asked)
    today = datetime.now(UTC).date()
    view = modals.message_time_modal(
        thread_of(container), today=today, comment="", issue_id=ref.issue_id if ref else None
    )
    await asked.open_form(view)


def thread_of(container: dict[str, Any]) -> ModalContext:
    """Answers to a form opened from a card go into the card's thread (none if ephemeral)."""
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return ModalContext(channel_id=str(container.get("channel_id") or ""))
    # thread_ts only: the card is no message to quote, so no permalink goes into the note.
    channel_id = str(container.get("channel_id") or "")
    return ModalContext(channel_id=channel_id, thread_ts=str(container["message_ts"]))


def register(app: AsyncApp) -> None:
    app.action(ids.ASSIGN_ME)(on_assign_me)
    app.action(ids.STATUS)(on_status)
    app.action(ids.WATCH)(on_watch)
    app.action(ids.NOTE)(on_note)
    app.action(ids.LOG_TIME)(on_log_time)
    app.options(ids.STATUS)(on_status_options)
