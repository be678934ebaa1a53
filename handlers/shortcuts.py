"""Message and global shortcuts: ack, open the modal at once, prefilled from the message.

The trigger expires three seconds after the click, so nothing asks Redmine before
`views.open`. Slack itself is asked for the permalink, the names of people mentioned
and the person's time zone under PREFETCH_SECONDS; whatever is late is left out of the
prefill (the permalink is fetched again on submission).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from slack_bolt.async_app import AsyncAck, AsyncApp

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
from bot.i18n import N_, _
from bot.slack import limits
from bot.slack.door.payloads import MessageAction
from bot.slack.messages import SlackMessage
from bot.slack.web.reads import SlackReads, within
from handlers.asked import Asked

PREFETCH_SECONDS = 1.0
NO_FILES = N_("That message has no files, so there is nothing to attach.")

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


async def on_create_issue(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    message = message_of(MessageAction.model_validate(asked.body))
    permalink, names = await prefetch(asked.reads, message)
    state = IssueFormState(
        subject=subject_from(message.text, names),
        description=message_body(message.text, asked.formatting, names=names, permalink=permalink),
        # Copying the thread is what a person most likely wants; they can untick it.
        checked=frozenset({modals.INCLUDE_THREAD} if message.in_thread else ()),
    )
    await asked.open_form(modals.issue_modal(ModalContext.of(message, permalink), state))


async def on_create_issue_global(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    await asked.open_form(modals.issue_modal(ModalContext(), IssueFormState()))


async def on_add_note(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    message = message_of(MessageAction.model_validate(asked.body))
    permalink, names = await prefetch(asked.reads, message)
    note = message_body(message.text, asked.formatting, names=names, permalink=permalink)
    await asked.open_form(modals.message_note_modal(ModalContext.of(message, permalink), note))


async def on_log_time(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    message = message_of(MessageAction.model_validate(asked.body))
    (permalink, names), today = await asyncio.gather(
        prefetch(asked.reads, message),
        within(PREFETCH_SECONDS, asked.reads.today(asked.user_id), None),
    )
    # Slack was slow: today in UTC is right for most of the day.
    today = today or datetime.now(UTC).date()
    comment = cut_on_word(
        " ".join(plain_text(message.text, names).split()), limits.REDMINE_TIME_COMMENT
    )
    context = ModalContext.of(message, permalink)
    await asked.open_form(modals.message_time_modal(context, today=today, comment=comment))


async def on_attach_files(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    shortcut = MessageAction.model_validate(asked.body)
    message = message_of(shortcut)
    if not message.file_ids:
        await asked.in_thread(ModalContext.of(message, None))(_(NO_FILES))
        return
    permalink, _names = await prefetch(asked.reads, message)
    context = ModalContext.of(message, permalink)
    await asked.open_form(modals.message_attach_modal(context, file_names(shortcut)))


def file_names(shortcut: MessageAction) -> list[str]:
    """The message's files as the modal lists them (the file objects in message.files)."""
    return [
        str(f.get("name") or f.get("title") or f.get("id"))
        for f in shortcut.message.files or []
        if isinstance(f, dict) and f.get("id")
    ]


def register(app: AsyncApp) -> None:
    app.message_shortcut(CREATE_ISSUE)(on_create_issue)
    app.global_shortcut(CREATE_ISSUE_GLOBAL)(on_create_issue_global)
    app.message_shortcut(ADD_NOTE)(on_add_note)
    app.message_shortcut(LOG_TIME)(on_log_time)
    app.message_shortcut(ATTACH_FILES)(on_attach_files)
