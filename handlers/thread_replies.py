"""Messages in issue threads (Events API `message`): replies become notes as their authors.

Bolt acks the event before these run (process_before_response is off), so Slack has
its 200 at once and Redmine's time never counts against the 3 s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.reply_to_note import (
    SUCCESS_REACTION,
    SlackReply,
    refused_files_text,
    reply_to_note,
    synced_thread,
)
from bot.blocks.message_context import MessageContext
from bot.commands.from_message import mentioned_user_ids
from bot.commands.message_files import reply_file_uploader
from bot.services import Services
from bot.slackreads import SlackReads
from handlers.common import acting_as, answering_failures
from handlers.replies import thread_teller

# A person's own message: no subtype, or one of these (Slack's message subtypes,
# api.slack.com/events/message; a file upload arrives as `file_share`).
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def is_from_a_bot(event: dict[str, Any]) -> bool:
    """Ours and every other app's messages carry bot_id; never import them."""
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"


def parse_reply(event: dict[str, Any]) -> SlackReply | None:
    """A person's reply in a thread (not the thread's parent), or None."""
    if is_from_a_bot(event) or event.get("subtype") not in PERSON_SUBTYPES:
        return None
    channel, user = event.get("channel"), event.get("user")
    ts, thread_ts = event.get("ts"), event.get("thread_ts")
    if not (channel and user and ts and thread_ts) or ts == thread_ts:
        return None
    files = event.get("files")
    file_ids = tuple(
        str(f["id"])
        for f in (files if isinstance(files, list) else [])
        if isinstance(f, dict) and f.get("id")
    )
    return SlackReply(
        channel_id=str(channel),
        thread_ts=str(thread_ts),
        ts=str(ts),
        slack_user_id=str(user),
        text=str(event.get("text") or ""),
        file_ids=file_ids,
    )


async def import_reply(services: Services, client: AsyncWebClient, event: dict[str, Any]) -> None:
    reply = parse_reply(event)
    if reply is None:
        return
    thread = await synced_thread(services.sessions, reply.channel_id, reply.thread_ts)
    if thread is None:
        return
    context = MessageContext(reply.channel_id, reply.ts, reply.thread_ts)
    say = thread_teller(client, context, reply.slack_user_id)
    reads = SlackReads(client, services.slack_users)
    async with answering_failures(services, reply.slack_user_id, say):
        identity, redmine = await acting_as(services, reply.slack_user_id)
        names = await reads.names(mentioned_user_ids([reply.text]))
        result = await reply_to_note(
            thread,
            replace(reply, names=names),
            identity=identity,
            redmine=redmine,
            sessions=services.sessions,
            upload_files=reply_file_uploader(services.files, reads),
            formatting=services.settings.redmine_text_formatting,
        )
        if result is None:
            return  # already imported (a redelivery, or another replica got it first)
        await reads.react(reply.channel_id, reply.ts, SUCCESS_REACTION)
        if result.refused:
            await say(refused_files_text(result.issue_id, result.refused))
