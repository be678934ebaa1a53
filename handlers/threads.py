"""The `connect_thread` message shortcut: link a thread to an issue, or unlink it."""

from __future__ import annotations

from functools import partial

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
from bot.i18n import _
from bot.slack.messages import ThreadMessage
from bot.slack.web.reads import SlackReads, ThreadUnreadable
from bot.store.replies import ImportedReplyRepository
from handlers.asked import Asked, Say

SHORTCUT = "connect_thread"


def thread_of(asked: Asked) -> tuple[str, str]:
    """(channel, thread ts) of the message the shortcut was used on: its thread, or the
    thread it would start."""
    message = asked.body.get("message") or {}
    return asked.channel_id or "", str(message.get("thread_ts") or message.get("ts") or "")


def linked_thread(asked: Asked) -> tuple[str, str]:
    """(channel, thread ts) a link or unlink form is about, from its metadata."""
    where = ModalContext.decode((asked.body.get("view") or {}).get("private_metadata"))
    return where.channel_id, where.thread_ts or ""


def in_thread(asked: Asked, channel_id: str, thread_ts: str) -> Say:
    context = ModalContext(channel_id=channel_id, message_ts=thread_ts, thread_ts=thread_ts)
    return asked.in_thread(context)


async def read_thread(
    reads: SlackReads, channel_id: str, thread_ts: str
) -> tuple[list[ThreadMessage], dict[str, str]]:
    try:
        messages = await reads.thread(channel_id, thread_ts)
    except ThreadUnreadable as error:
        if error.code is None:
            raise UserFacingError(error.message) from None  # invite me first
        # Linking stops here: the copy's "links to the message instead" is not true of it.
        raise UserFacingError(
            _(
                "The thread could not be read (Slack said `{code}`), so it was not linked. "
                "Try again in a moment.",
                code=error.code,
            )
        ) from None
    names = await reads.names(m.user_id for m in messages if m.user_id)
    return messages, names


async def on_shortcut(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    channel_id, thread_ts = thread_of(asked)
    metadata = ModalContext(channel_id=channel_id, thread_ts=thread_ts).encode()
    async with asked.answering_failures(in_thread(asked, channel_id, thread_ts)):
        async with asked.services.sessions() as session:
            link = await ImportedReplyRepository(session).linked(channel_id, thread_ts)
        if link is not None:
            view = unlink_modal(link.issue_id, metadata)
        else:
            messages, names = await read_thread(asked.reads, channel_id, thread_ts)
            choices = [
                (m.ts, f"{author_name(m, names)}: {plain_text(m.text, names)}") for m in messages
            ]
            view = link_modal(choices, metadata)
        await asked.client.views_open(trigger_id=asked.trigger_id, view=view)


async def on_link(ack: AsyncAck, asked: Asked) -> None:
    view = asked.body.get("view") or {}
    form = LinkThreadForm.from_values((view.get("state") or {}).get("values") or {})
    if isinstance(form, dict):
        await ack(response_action="errors", errors=form)
        return
    await ack()
    channel_id, thread_ts = linked_thread(asked)
    async with asked.answering_failures(in_thread(asked, channel_id, thread_ts)):
        redmine = await asked.redmine()
        messages, names = await read_thread(asked.reads, channel_id, thread_ts)
        linked = await link_thread(
            form,
            channel_id=channel_id,
            thread_ts=thread_ts,
            slack_user_id=asked.user_id,
            private_channel=await is_private_channel(asked.client, channel_id),
            messages=messages,
            render_note=partial(render_thread, formatting=asked.formatting, names=names),
            redmine=redmine,
            sessions=asked.services.sessions,
        )
        url = issue_url(asked.base_url, linked.issue_id)
        text = linked_text(linked.issue_id, linked.subject, url, asked.user_id)
        await asked.client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text)


async def on_unlink(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    channel_id, thread_ts = linked_thread(asked)
    async with asked.answering_failures(in_thread(asked, channel_id, thread_ts)):
        issue_id = await unlink_thread(asked.services.sessions, channel_id, thread_ts)
        if issue_id is None:
            raise UserFacingError(_("This thread was not linked to an issue any more."))
        text = unlinked_text(issue_id, asked.user_id)
        await asked.client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text)


async def is_private_channel(client: AsyncWebClient, channel_id: str) -> bool:
    """Whether the conversation is private; when Slack will not say, assume it is."""
    try:
        answer = await client.conversations_info(channel=channel_id)
    except SlackApiError:
        return True
    channel = answer.get("channel") or {}
    return bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))


def register(app: AsyncApp) -> None:
    app.shortcut(SHORTCUT)(on_shortcut)
    app.view(LINK_VIEW)(on_link)
    app.view(UNLINK_VIEW)(on_unlink)
