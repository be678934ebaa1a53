"""Message and global shortcuts: ack, open the modal at once, prefilled from the message.

The trigger expires three seconds after the click, so nothing asks Redmine before
`views.open`. Slack itself is asked for the permalink, the names of people mentioned
and the person's time zone under PREFETCH_SECONDS; whatever is late is left out of the
prefill (the permalink is fetched again on submission).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import modals
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import IssueFormState
from bot.domain.message_text import (
    cut_on_word,
    mentioned_user_ids,
    message_body,
    plain_text,
    subject_from,
)
from bot.services import Services
from bot.slack import limits
from bot.slack.door.payloads import GlobalShortcut, MessageAction
from bot.slack.messages import SlackMessage
from bot.slack.web.reads import SlackReads, within
from handlers.common import open_form, providing
from handlers.replies import tell_in_thread

PREFETCH_SECONDS = 1.0
NO_FILES = "That message has no files, so there is nothing to attach."

CREATE_ISSUE = "create_issue"
CREATE_ISSUE_GLOBAL = "create_issue_global"
ADD_NOTE = "add_note"
LOG_TIME = "log_time"
ATTACH_FILES = "attach_files"


def message_of(shortcut: MessageAction) -> SlackMessage:
    return SlackMessage.from_payload(shortcut.message.model_dump(), shortcut.channel.id)


async def prefetch(reads: SlackReads, message: SlackMessage) -> tuple[str | None, dict[str, str]]:
    """The message's permalink and the names it mentions, each only if Slack is quick."""
    permalink, names = await asyncio.gather(
        within(PREFETCH_SECONDS, reads.permalink(message.channel_id, message.ts), None),
        within(PREFETCH_SECONDS, reads.names(mentioned_user_ids([message.text])), {}),
    )
    return permalink, names


async def on_create_issue(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    asked = MessageAction.model_validate(shortcut)
    message = message_of(asked)
    permalink, names = await prefetch(SlackReads(client, services.slack_users), message)
    formatting = services.settings.redmine_text_formatting
    state = IssueFormState(
        subject=subject_from(message.text, names),
        description=message_body(message.text, formatting, names=names, permalink=permalink),
        # Copying the thread is what a person most likely wants; they can untick it.
        checked=frozenset({modals.INCLUDE_THREAD} if message.in_thread else ()),
    )
    view = modals.issue_modal(ModalContext.of(message, permalink), state)
    await open_form(client, services, asked.trigger_id, asked.user.id, view)


async def on_create_issue_global(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    asked = GlobalShortcut.model_validate(shortcut)
    view = modals.issue_modal(ModalContext(), IssueFormState())
    await open_form(client, services, asked.trigger_id, asked.user.id, view)


async def on_add_note(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    asked = MessageAction.model_validate(shortcut)
    message = message_of(asked)
    permalink, names = await prefetch(SlackReads(client, services.slack_users), message)
    formatting = services.settings.redmine_text_formatting
    note = message_body(message.text, formatting, names=names, permalink=permalink)
    view = modals.message_note_modal(ModalContext.of(message, permalink), note)
    await open_form(client, services, asked.trigger_id, asked.user.id, view)


async def on_log_time(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    asked = MessageAction.model_validate(shortcut)
    message, reads = message_of(asked), SlackReads(client, services.slack_users)
    (permalink, names), today = await asyncio.gather(
        prefetch(reads, message),
        within(PREFETCH_SECONDS, reads.today(asked.user.id), None),
    )
    # Slack was slow: today in UTC is right for most of the day.
    today = today or datetime.now(UTC).date()
    comment = cut_on_word(
        " ".join(plain_text(message.text, names).split()), limits.REDMINE_TIME_COMMENT
    )
    context = ModalContext.of(message, permalink)
    view = modals.message_time_modal(context, today=today, comment=comment)
    await open_form(client, services, asked.trigger_id, asked.user.id, view)


async def on_attach_files(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, services: Services
) -> None:
    await ack()
    asked = MessageAction.model_validate(shortcut)
    message = message_of(asked)
    if not message.file_ids:
        await tell_in_thread(client, ModalContext.of(message, None), asked.user.id, NO_FILES)
        return
    permalink, _ = await prefetch(SlackReads(client, services.slack_users), message)
    view = modals.message_attach_modal(ModalContext.of(message, permalink), file_names(asked))
    await open_form(client, services, asked.trigger_id, asked.user.id, view)


def file_names(shortcut: MessageAction) -> list[str]:
    """The message's files as the modal lists them (the file objects in message.files)."""
    return [
        str(f.get("name") or f.get("title") or f.get("id"))
        for f in shortcut.message.files or []
        if isinstance(f, dict) and f.get("id")
    ]


def register(app: AsyncApp, services: Services) -> None:
    provide = [providing(services)]
    app.message_shortcut(CREATE_ISSUE, middleware=provide)(on_create_issue)
    app.global_shortcut(CREATE_ISSUE_GLOBAL, middleware=provide)(on_create_issue_global)
    app.message_shortcut(ADD_NOTE, middleware=provide)(on_add_note)
    app.message_shortcut(LOG_TIME, middleware=provide)(on_log_time)
    app.message_shortcut(ATTACH_FILES, middleware=provide)(on_attach_files)
