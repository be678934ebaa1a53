"""The `connect_thread` message shortcut: link a thread to an issue, or unlink it."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import UserFacingError
from bot.actions.link_thread import LinkThreadForm, link_thread, unlink_thread
from bot.blocks.issues import issue_url
from bot.blocks.metadata import ModalContext
from bot.blocks.thread_link import (
    LINK_VIEW,
    UNLINK_VIEW,
    link_modal,
    linked_text,
    unlink_modal,
    unlinked_text,
)
from bot.domain.message_text import author_name, plain_text, render_thread
from bot.services import Services
from bot.slack.messages import ThreadMessage
from bot.slack.web.reads import SlackReads, ThreadUnreadable
from bot.store.replies import ImportedReplyRepository
from handlers.common import acting_as, answering_failures
from handlers.replies import thread_teller

SHORTCUT = "connect_thread"


def thread_of(shortcut: dict[str, Any]) -> tuple[str, str]:
    """(channel, thread ts) of the message the shortcut was used on: its thread, or the
    thread it would start."""
    message = shortcut.get("message") or {}
    channel = str((shortcut.get("channel") or {}).get("id") or "")
    return channel, str(message.get("thread_ts") or message.get("ts") or "")


async def read_thread(
    reads: SlackReads, channel_id: str, thread_ts: str
) -> tuple[list[ThreadMessage], dict[str, str]]:
    try:
        messages = await reads.thread(channel_id, thread_ts)
    except ThreadUnreadable as error:
        raise UserFacingError(error.message) from None
    names = await reads.names(m.user_id for m in messages if m.user_id)
    return messages, names


async def on_shortcut(
    services: Services, ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
) -> None:
    await ack()
    channel_id, thread_ts = thread_of(shortcut)
    user_id = str(shortcut["user"]["id"])
    metadata = ModalContext(channel_id=channel_id, thread_ts=thread_ts).encode()
    say = thread_teller(
        client,
        ModalContext(channel_id=channel_id, message_ts=thread_ts, thread_ts=thread_ts),
        user_id,
    )
    async with answering_failures(services, user_id, say):
        async with services.sessions() as session:
            link = await ImportedReplyRepository(session).linked(channel_id, thread_ts)
        if link is not None:
            view = unlink_modal(link.issue_id, metadata)
        else:
            messages, names = await read_thread(
                SlackReads(client, services.slack_users), channel_id, thread_ts
            )
            choices = [
                (m.ts, f"{author_name(m, names)}: {plain_text(m.text, names)}") for m in messages
            ]
            view = link_modal(choices, metadata)
        await client.views_open(trigger_id=shortcut["trigger_id"], view=view)


async def on_link(
    services: Services, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
) -> None:
    view = body["view"]
    form = LinkThreadForm.from_values((view.get("state") or {}).get("values") or {})
    if isinstance(form, dict):
        await ack(response_action="errors", errors=form)
        return
    await ack()
    where = ModalContext.decode(view.get("private_metadata"))
    channel_id, thread_ts = where.channel_id, where.thread_ts or ""
    user_id = str(body["user"]["id"])
    say = thread_teller(
        client,
        ModalContext(channel_id=channel_id, message_ts=thread_ts, thread_ts=thread_ts),
        user_id,
    )
    async with answering_failures(services, user_id, say):
        _, redmine = await acting_as(services, user_id)
        messages, names = await read_thread(
            SlackReads(client, services.slack_users), channel_id, thread_ts
        )
        settings = services.settings
        linked = await link_thread(
            form,
            channel_id=channel_id,
            thread_ts=thread_ts,
            slack_user_id=user_id,
            private_channel=await is_private_channel(client, channel_id),
            messages=messages,
            render_note=partial(
                render_thread, formatting=settings.redmine_text_formatting, names=names
            ),
            redmine=redmine,
            sessions=services.sessions,
        )
        url = issue_url(settings.redmine_base_url, linked.issue_id)
        await client.chat_postMessage(
            channel=channel_id,
            thread_ts=thread_ts,
            text=linked_text(linked.issue_id, linked.subject, url, user_id),
        )


async def on_unlink(
    services: Services, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
) -> None:
    await ack()
    where = ModalContext.decode(body["view"].get("private_metadata"))
    channel_id, thread_ts = where.channel_id, where.thread_ts or ""
    user_id = str(body["user"]["id"])
    say = thread_teller(
        client,
        ModalContext(channel_id=channel_id, message_ts=thread_ts, thread_ts=thread_ts),
        user_id,
    )
    async with answering_failures(services, user_id, say):
        issue_id = await unlink_thread(services.sessions, channel_id, thread_ts)
        if issue_id is None:
            raise UserFacingError("This thread was not linked to an issue any more.")
        await client.chat_postMessage(
            channel=channel_id, thread_ts=thread_ts, text=unlinked_text(issue_id, user_id)
        )


async def is_private_channel(client: AsyncWebClient, channel_id: str) -> bool:
    """Whether the conversation is private; when Slack will not say, assume it is."""
    try:
        answer = await client.conversations_info(channel=channel_id)
    except SlackApiError:
        return True
    channel = answer.get("channel") or {}
    return bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))


def register(app: AsyncApp, services: Services) -> None:
    app.shortcut(SHORTCUT)(partial(on_shortcut, services))
    app.view(LINK_VIEW)(partial(on_link, services))
    app.view(UNLINK_VIEW)(partial(on_unlink, services))
