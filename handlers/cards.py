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
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import card
from bot.actions.issue_target import private_notes_refused
from bot.blocks import card_actions as ids
from bot.blocks import modals
from bot.blocks.card_actions import CardRef
from bot.blocks.common import option, section
from bot.blocks.issues import issue_card, issue_card_text
from bot.blocks.metadata import ModalContext
from bot.redmine import Redmine
from bot.redmine.models import Issue
from bot.services import Services
from bot.slack.door.payloads import BlockActions, BlockSuggestion
from handlers.common import acting_as, answering_failures, open_form, providing, tell, teller
from handlers.home import publish_home

log = logging.getLogger(__name__)

Act = Callable[[Redmine, CardRef, int], Awaitable[Issue]]  # the person's Redmine id last
OUT_OF_DATE = "That button is out of date; show the issue again with `/redmine show`."
CARD_GONE = "Done. The card you clicked is gone or cannot be redrawn; here is #{id} now:"


def card_of(body: dict[str, Any]) -> tuple[BlockActions, CardRef | None, dict[str, Any]]:
    clicked = BlockActions.model_validate(body)
    action = clicked.actions[0]
    ref = CardRef.decode(action.value or "") or CardRef.decode(action.block_id or "")
    container = body.get("container") if isinstance(body.get("container"), dict) else {}
    return clicked, ref, container or {}


async def redraw(
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
    container: dict[str, Any],
    issue: Issue,
    user_id: str,
    redmine_user_id: int | None = None,
) -> None:
    """`redmine_user_id`: the clicker's account, for the Watch label of a card only they
    see (an ephemeral one); a card in a channel keeps the label that fits everyone."""
    if container.get("type") == "view":  # a row of the person's App Home: publish it anew
        await publish_home(services, client, user_id)
        return
    settings = services.settings
    base_url, formatting = settings.redmine_base_url, settings.redmine_text_formatting
    text = issue_card_text(issue)
    channel_id, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("is_ephemeral") or not (channel_id and ts):
        watching = card.watched_by(issue, redmine_user_id) if redmine_user_id else None
        blocks = issue_card(issue, base_url, formatting, with_actions=True, watching=watching)
        if respond.response_url:
            await respond(replace_original=True, text=text, blocks=blocks)
        return
    blocks = issue_card(issue, base_url, formatting, with_actions=True)
    try:
        await client.chat_update(channel=str(channel_id), ts=str(ts), text=text, blocks=blocks)
        return
    except SlackApiError as error:
        refused = error.response.get("error")
        log.info("card %s not redrawn with chat.update: %s", ts, refused)
    if refused == "cant_update_message" and respond.response_url:
        replaced = await respond(replace_original=True, text=text, blocks=blocks)
        if replaced.status_code == 200:
            return
        log.info("card %s not replaced through its response_url: %s", ts, replaced.body)
    sentence = CARD_GONE.format(id=issue.id)
    if respond.response_url:  # none for a form submitted after its response_url expired
        shown = await respond(
            response_type="ephemeral",
            replace_original=False,
            text=sentence,
            blocks=[section(sentence), *blocks],
        )
        if shown.status_code == 200:
            return
    # The response_url is spent (5 uses, 30 minutes) or there is none.
    await tell(client, str(channel_id), user_id, sentence)


async def act(
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
    do: Act,
) -> None:
    clicked, ref, container = card_of(body)
    user_id = clicked.user.id
    say = teller(client, container.get("channel_id") or None, user_id)
    async with answering_failures(services, user_id, say):
        if ref is None:
            await say(OUT_OF_DATE)
            return
        identity, redmine = await acting_as(services, user_id)
        try:
            issue = await do(redmine, ref, identity.redmine_user_id)
        except card.StaleCard as stale:
            await redraw(client, respond, services, container, stale.issue, user_id)
            await say(card.STALE.format(id=ref.issue_id))
            return
        me = identity.redmine_user_id
        await redraw(client, respond, services, container, issue, user_id, me)


async def on_assign_me(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    await act(body, client, respond, services, card.assign_to_me)


async def on_status(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    clicked = BlockActions.model_validate(body)
    chosen = clicked.actions[0].selected_option
    status_id = int(chosen.value) if chosen and chosen.value.isdigit() else 0

    async def move(redmine: Redmine, ref: CardRef, _: int) -> Issue:
        return await card.set_status(redmine, ref, status_id)

    await act(body, client, respond, services, move)


async def on_watch(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    services: Services,
) -> None:
    await ack()
    user_id = BlockActions.model_validate(body).user.id
    container = body.get("container") if isinstance(body.get("container"), dict) else {}
    say = teller(client, (container or {}).get("channel_id") or None, user_id)

    async def toggle(redmine: Redmine, ref: CardRef, redmine_user_id: int) -> Issue:
        done = await card.toggle_watch(redmine, ref, redmine_user_id)
        await say(f"You {'now watch' if done.watching else 'no longer watch'} #{ref.issue_id}.")
        return done.issue

    await act(body, client, respond, services, toggle)


async def on_status_options(ack: AsyncAck, body: dict[str, Any], services: Services) -> None:
    """The clicking person's allowed statuses, read as them when they open the select."""
    asked = BlockSuggestion.model_validate(body)
    ref = CardRef.decode(asked.block_id)
    statuses = []
    if ref is not None:
        try:
            _, redmine = await acting_as(services, asked.user.id)
            statuses = await card.allowed_statuses(redmine, ref.issue_id)
        except Exception:
            log.info("statuses for card %s not read", asked.block_id, exc_info=True)
    await ack(options=[option(status.name, str(status.id)) for status in statuses])


async def on_note(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    clicked, ref, container = card_of(body)
    context = thread_of(container)
    issue_id = ref.issue_id if ref else None
    view = modals.message_note_modal(context, "", issue_id=issue_id)
    view_id = await open_form(client, services, clicked.trigger_id or "", clicked.user.id, view)
    if view_id is None or issue_id is None:
        return
    # The box is offered only where the person may write a private note; this is asked
    # after the form opened (the trigger lasts 3 s), and the submission checks it again.
    try:
        _, redmine = await acting_as(services, clicked.user.id)
        refused = await private_notes_refused(redmine, issue_id)
    except Exception as error:  # the form keeps its box; submitting says what is wrong
        log.info("private-note permission for #%s not read: %s", issue_id, error)
        return
    if refused:
        without = modals.message_note_modal(context, "", issue_id=issue_id, no_private=refused)
        await client.views_update(view_id=view_id, view=without)


async def on_log_time(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    clicked, ref, container = card_of(body)
    today = datetime.now(UTC).date()
    view = modals.message_time_modal(
        thread_of(container), today=today, comment="", issue_id=ref.issue_id if ref else None
    )
    await open_form(client, services, clicked.trigger_id or "", clicked.user.id, view)


def thread_of(container: dict[str, Any]) -> ModalContext:
    """Answers to a form opened from a card go into the card's thread (none if ephemeral)."""
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return ModalContext(channel_id=str(container.get("channel_id") or ""))
    # thread_ts only: the card is no message to quote, so no permalink goes into the note.
    channel_id = str(container.get("channel_id") or "")
    return ModalContext(channel_id=channel_id, thread_ts=str(container["message_ts"]))


def register(app: AsyncApp, services: Services) -> None:
    provide = [providing(services)]
    app.action(ids.ASSIGN_ME, middleware=provide)(on_assign_me)
    app.action(ids.STATUS, middleware=provide)(on_status)
    app.action(ids.WATCH, middleware=provide)(on_watch)
    app.action(ids.NOTE, middleware=provide)(on_note)
    app.action(ids.LOG_TIME, middleware=provide)(on_log_time)
    app.options(ids.STATUS, middleware=provide)(on_status_options)
