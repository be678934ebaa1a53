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
from bot.blocks.message_context import MessageContext
from bot.blocks.modals import IssueFormState, message_view
from bot.identity import NotLinked
from bot.messagetext import (
    COMMENT_LIMIT,
    cut_on_word,
    mentioned_user_ids,
    message_body,
    plain_text,
    subject_from,
)
from bot.services import Services
from bot.slackmessages import SlackMessage
from bot.slackreads import SlackReads, within
from handlers.replies import tell_in_thread

PREFETCH_SECONDS = 1.0
NO_FILES = "That message has no files, so there is nothing to attach."

CREATE_ISSUE = "create_issue"
CREATE_ISSUE_GLOBAL = "create_issue_global"
ADD_NOTE = "add_note"
LOG_TIME = "log_time"
ATTACH_FILES = "attach_files"


def message_of(shortcut: dict[str, Any]) -> SlackMessage:
    channel_id = str((shortcut.get("channel") or {}).get("id") or "")
    return SlackMessage.from_payload(shortcut.get("message") or {}, channel_id)


def register(app: AsyncApp, services: Services) -> None:
    formatting = services.settings.redmine_text_formatting

    async def prefetch(
        reads: SlackReads, message: SlackMessage
    ) -> tuple[str | None, dict[str, str]]:
        permalink, names = await asyncio.gather(
            within(PREFETCH_SECONDS, reads.permalink(message.channel_id, message.ts), None),
            within(PREFETCH_SECONDS, reads.names(mentioned_user_ids([message.text])), {}),
        )
        return permalink, names

    async def open_for(
        client: AsyncWebClient, trigger_id: str, user_id: str, view: dict[str, Any]
    ) -> None:
        opened = await client.views_open(trigger_id=trigger_id, view=view)
        # The form is open (the trigger is spent); replace it if we can't act for them.
        try:
            await services.identity.resolve(user_id)
        except NotLinked as error:
            await client.views_update(
                view_id=opened["view"]["id"], view=message_view("Redmine", error.message)
            )

    async def on_create_issue(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        message = message_of(shortcut)
        permalink, names = await prefetch(SlackReads(client, services.slack_users), message)
        context = MessageContext.of(message, permalink)
        state = IssueFormState(
            subject=subject_from(message.text, names),
            description=message_body(message.text, formatting, names=names, permalink=permalink),
            # Copying the thread is what a person most likely wants; they can untick it.
            checked=frozenset({modals.INCLUDE_THREAD} if message.in_thread else ()),
        )
        view = modals.message_issue_modal(context, state)
        await open_for(client, shortcut["trigger_id"], shortcut["user"]["id"], view)

    async def on_create_issue_global(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        view = modals.message_issue_modal(MessageContext(), IssueFormState())
        await open_for(client, shortcut["trigger_id"], shortcut["user"]["id"], view)

    async def on_add_note(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        message = message_of(shortcut)
        permalink, names = await prefetch(SlackReads(client, services.slack_users), message)
        note = message_body(message.text, formatting, names=names, permalink=permalink)
        view = modals.message_note_modal(MessageContext.of(message, permalink), note)
        await open_for(client, shortcut["trigger_id"], shortcut["user"]["id"], view)

    async def on_log_time(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        message = message_of(shortcut)
        user_id = shortcut["user"]["id"]
        reads = SlackReads(client, services.slack_users)
        (permalink, names), today = await asyncio.gather(
            prefetch(reads, message),
            within(PREFETCH_SECONDS, reads.today(user_id), None),
        )
        if today is None:  # Slack was slow: today in UTC is right for most of the day
            today = datetime.now(UTC).date()
        comment = cut_on_word(" ".join(plain_text(message.text, names).split()), COMMENT_LIMIT)
        view = modals.message_time_modal(
            MessageContext.of(message, permalink), today=today, comment=comment
        )
        await open_for(client, shortcut["trigger_id"], user_id, view)

    async def on_attach_files(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        message = message_of(shortcut)
        user_id = shortcut["user"]["id"]
        if not message.file_ids:
            await tell_in_thread(client, MessageContext.of(message, None), user_id, NO_FILES)
            return
        permalink, _ = await prefetch(SlackReads(client, services.slack_users), message)
        names = [
            str(f.get("name") or f.get("title") or f.get("id"))
            for f in (shortcut.get("message") or {}).get("files") or []
            if isinstance(f, dict) and f.get("id")
        ]
        view = modals.message_attach_modal(MessageContext.of(message, permalink), names)
        await open_for(client, shortcut["trigger_id"], user_id, view)

    app.message_shortcut(CREATE_ISSUE)(on_create_issue)
    app.global_shortcut(CREATE_ISSUE_GLOBAL)(on_create_issue_global)
    app.message_shortcut(ADD_NOTE)(on_add_note)
    app.message_shortcut(LOG_TIME)(on_log_time)
    app.message_shortcut(ATTACH_FILES)(on_attach_files)
