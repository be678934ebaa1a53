"""What a submission about a message needs from Slack, read before the action runs.

Reads go through bot.slack.web.reads.SlackReads (its budgets, caches and error wording) and
come back as the plain data the actions in bot/actions take.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions.attach_files import FILE_UNREADABLE, FoundFiles, upload_each
from bot.actions.create_from_message import MessageSource, MessageThread
from bot.actions.reply_to_note import UploadedFiles, UploadFiles
from bot.blocks.metadata import ModalContext
from bot.domain.message_text import mentioned_user_ids
from bot.i18n import _
from bot.inputs.forms import IssueForm
from bot.redmine import Redmine
from bot.slack.web.files import SlackFile, SlackFiles
from bot.slack.web.reads import SlackReads, ThreadUnreadable


async def missing_permalink(reads: SlackReads, context: ModalContext) -> str | None:
    """The message's link when the form could not be prefilled with it in time."""
    if context.permalink or not context.message_ts:
        return None
    return await reads.permalink(context.channel_id, context.message_ts)


async def find_files(reads: SlackReads, file_ids: Sequence[str]) -> FoundFiles:
    """files.info for each id; those Slack will not show are named with the reason."""
    found: list[SlackFile] = []
    unreadable: list[tuple[str, str]] = []
    for file_id in file_ids:
        slack_file = await reads.file(file_id)
        if slack_file is None:
            unreadable.append((file_id, _(FILE_UNREADABLE)))
        else:
            found.append(slack_file)
    return FoundFiles(found, unreadable)


async def read_thread(reads: SlackReads, channel_id: str, thread_ts: str) -> MessageThread:
    try:
        messages = await reads.thread(channel_id, thread_ts)
    except ThreadUnreadable as unreadable:
        return MessageThread(problem=unreadable.message)
    authors = {m.user_id for m in messages if m.user_id}
    names = await reads.names(authors | mentioned_user_ids(m.text for m in messages))
    return MessageThread(messages, names)


async def message_source(reads: SlackReads, form: IssueForm) -> MessageSource:
    context = form.context
    permalink = await missing_permalink(reads, context)
    thread = None
    if form.include_thread and context.channel_id and context.thread_ts:
        thread = await read_thread(reads, context.channel_id, context.thread_ts)
    files = FoundFiles()
    if form.attach_message_files and context.file_ids:
        files = await find_files(reads, context.file_ids)
    return MessageSource(permalink, thread, files)


def reply_file_uploader(files: SlackFiles, reads: SlackReads) -> UploadFiles:
    """The upload step of a thread reply (bot.actions.reply_to_note): find the files with
    Slack, then the one upload loop; what was not attached is named with why."""

    async def upload(redmine: Redmine, file_ids: Sequence[str]) -> UploadedFiles:
        found = await find_files(reads, file_ids)
        uploaded = await upload_each(redmine, files, found.files)
        return UploadedFiles(uploaded.specs, [*uploaded.outcome.refused, *found.unreadable])

    return upload
