"""Messages in issue threads (Events API `message`): replies become notes as their authors.

Bolt acks the event before these run (process_before_response is off), so Slack has
its 200 at once and Redmine's time never counts against the 3 s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.actions.follow_reply_edits import ReplyChange, follow_reply_change, imported_reply
from bot.actions.reply_to_note import (
    SUCCESS_REACTION,
    SlackReply,
    refused_files_text,
    reply_to_note,
    synced_thread,
)
from bot.blocks.metadata import ModalContext
from handlers.asked import Asked
from handlers.message_reads import reply_file_uploader

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


def parse_change(event: dict[str, Any]) -> ReplyChange | None:
    """A person's edit (`message_changed`) or deletion (`message_deleted`) of a message.

    Shapes after slackapi/java-slack-sdk json-logs/samples/events/MessageChangedPayload.json
    (`message` now, `previous_message` before) and MessageDeletedPayload.json
    (`deleted_ts`, `previous_message`). Slack also sends message_changed when it adds an
    unfurl to a message: the text is then unchanged and there is nothing to follow.
    """
    channel = event.get("channel")
    subtype = event.get("subtype")
    before = (
        event.get("previous_message") if isinstance(event.get("previous_message"), dict) else {}
    )
    if not channel or is_from_a_bot(before or {}):
        return None
    if subtype == "message_changed":
        after = event.get("message")
        if not isinstance(after, dict) or is_from_a_bot(after) or not after.get("ts"):
            return None
        if after.get("text") == (before or {}).get("text"):
            return None
        return ReplyChange(str(channel), str(after["ts"]), str(after.get("text") or ""))
    if subtype == "message_deleted" and event.get("deleted_ts"):
        return ReplyChange(str(channel), str(event["deleted_ts"]), None)
    return None


async def on_message(event: dict[str, Any], asked: Asked) -> None:
    if event.get("subtype") in {"message_changed", "message_deleted"}:
        await follow_change(event, asked)
    else:
        await import_reply(event, asked)


async def follow_change(event: dict[str, Any], asked: Asked) -> None:
    change = parse_change(event)
    if change is None:
        return
    services = asked.services
    record = await imported_reply(services.sessions, change.channel_id, change.ts)
    if record is None:
        return  # not a reply we imported
    thread_ts = str(
        (event.get("message") or event.get("previous_message") or {}).get("thread_ts") or ""
    )
    context = ModalContext(
        channel_id=change.channel_id, message_ts=change.ts, thread_ts=thread_ts or None
    )
    author = record.slack_user_id  # the reply's author, always: not whoever the event names
    await asked.speak_to(author)
    async with asked.answering_failures(asked.in_thread(context, author), author):
        redmine = await asked.redmine(author)
        names = await asked.mentioned_names(change.text)
        await follow_reply_change(
            replace(change, names=names),
            record,
            redmine=redmine,
            sessions=services.sessions,
            formatting=asked.formatting,
        )


async def import_reply(event: dict[str, Any], asked: Asked) -> None:
    reply = parse_reply(event)
    if reply is None:
        return
    services = asked.services
    thread = await synced_thread(services.sessions, reply.channel_id, reply.thread_ts)
    if thread is None:
        return
    context = ModalContext(
        channel_id=reply.channel_id, message_ts=reply.ts, thread_ts=reply.thread_ts
    )
    author = reply.slack_user_id
    await asked.speak_to(author)  # the note's permalink line and any refusal are theirs
    say = asked.in_thread(context, author)
    async with asked.answering_failures(say, author):
        identity, redmine = await asked.acting(author)
        names = await asked.mentioned_names(reply.text)
        result = await reply_to_note(
            thread,
            replace(reply, names=names),
            identity=identity,
            redmine=redmine,
            sessions=services.sessions,
            upload_files=reply_file_uploader(services.files, asked.reads),
            formatting=asked.formatting,
        )
        if result is None:
            return  # already imported (a redelivery, or another replica got it first)
        await asked.reads.react(reply.channel_id, reply.ts, SUCCESS_REACTION)
        if result.refused:
            await say(refused_files_text(result.issue_id, result.refused))
