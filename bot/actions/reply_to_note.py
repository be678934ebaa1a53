"""A reply in an issue's Slack thread becomes a note on that issue, written as its author.

Only in channels subscribed with `replies:on`, only in the notification thread of an
issue, only once per Slack message (the database claim holds across retries, restarts
and replicas). The note is never more visible than the reply: a channel with any
`private:on` subscription, or a private issue, gets a private note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.add_note import note_journal_id
from bot.actions.errors import UserFacingError
from bot.config import TextFormatting
from bot.i18n import N_, _
from bot.people.identity import Identity
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, RedmineError
from bot.store.models import ImportedReply
from bot.store.replies import ImportedReplyRepository, note_digest
from bot.store.repositories import SubscriptionRepository
from bot.text import slack_to_redmine

SUCCESS_REACTION = "white_check_mark"
NOTHING_TO_IMPORT = N_(
    "Your reply in the thread of #{issue_id} has no text, and none of its files could be "
    "attached, so nothing went to Redmine:\n{why}"
)
NOT_ALLOWED = N_(
    "Redmine did not let you add a note to #{issue_id}: you may lack the permission to add "
    "notes in its project, or the project is closed or archived. Ask a project manager."
)


@dataclass(frozen=True)
class SlackReply:
    """A person's message in a thread, as the Events API delivered it."""

    channel_id: str
    thread_ts: str
    ts: str
    slack_user_id: str
    text: str
    file_ids: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # mentioned Slack ids -> names


@dataclass
class UploadedFiles:
    """The message's files in Redmine's uploads, ready for `uploads` on the update."""

    specs: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


# Streams the message's files (by Slack file id) into uploads as the person. Handed in by
# the listener (handlers/message_reads.reply_file_uploader): finding the files takes
# Slack's files.info, a Slack read no action makes; the upload is the one upload loop,
# bot.actions.attach_files.upload_each.
UploadFiles = Callable[[Redmine, Sequence[str]], Awaitable[UploadedFiles]]


@dataclass(frozen=True)
class SyncedThread:
    """An issue's notification thread in a channel whose replies become notes."""

    channel_id: str
    issue_id: int
    private_channel: bool  # the channel takes private notes (`private:on`)


@dataclass
class ReplyImported:
    issue_id: int
    private: bool
    journal_id: int | None
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


async def synced_thread(
    sessions: async_sessionmaker[AsyncSession], channel_id: str, thread_ts: str
) -> SyncedThread | None:
    """The thread's issue when its replies become notes (a thread linked with the
    `connect_thread` shortcut, or an issue's notification thread in a channel with
    `replies:on`); None for any other thread."""
    async with sessions() as session:
        replies = ImportedReplyRepository(session)
        link = await replies.linked(channel_id, thread_ts)
        if link is not None:  # linked by hand: synced whatever the subscriptions say
            return SyncedThread(channel_id, link.issue_id, private_channel=link.private)
        issue_id = await replies.issue_for_thread(channel_id, thread_ts)
        if issue_id is None or not await replies.reply_subscriptions(channel_id):
            return None
        subscriptions = await SubscriptionRepository(session).for_channel(channel_id)
    return SyncedThread(
        channel_id=channel_id,
        issue_id=issue_id,
        private_channel=any(s.private for s in subscriptions),
    )


def note_text(reply: SlackReply, formatting: TextFormatting) -> str:
    return slack_to_redmine(reply.text, formatting, names=reply.names).strip()


async def reply_to_note(
    thread: SyncedThread,
    reply: SlackReply,
    *,
    identity: Identity,
    redmine: Redmine,
    sessions: async_sessionmaker[AsyncSession],
    upload_files: UploadFiles,
    formatting: TextFormatting,
) -> ReplyImported | None:
    """Write the reply as a note; None when this message was already imported."""
    issue = await redmine.issues.get(thread.issue_id)  # as the person: can they see it?
    private = thread.private_channel or bool(issue.is_private)
    notes = note_text(reply, formatting)
    async with sessions() as session:
        claimed = await ImportedReplyRepository(session).claim(
            reply.channel_id,
            reply.ts,
            issue_id=thread.issue_id,
            slack_user_id=reply.slack_user_id,
            redmine_user_id=identity.redmine_user_id,
            notes=notes,
        )
        await session.commit()
    if not claimed:
        return None
    return await _write_claimed(
        thread, reply, notes, private, identity, redmine, sessions, upload_files
    )


async def _write_claimed(
    thread: SyncedThread,
    reply: SlackReply,
    notes: str,
    private: bool,
    identity: Identity,
    redmine: Redmine,
    sessions: async_sessionmaker[AsyncSession],
    upload_files: UploadFiles | None,
) -> ReplyImported:
    """Write a claimed reply and link the claim to its journal; a refusal gives it back."""
    try:
        result = await _write(
            thread.issue_id, notes, private, reply.file_ids, redmine, upload_files
        )
    except (RedmineError, UserFacingError):
        async with sessions() as session:
            await ImportedReplyRepository(session).release(reply.channel_id, reply.ts)
            await session.commit()
        raise
    journal_id = await note_journal_id(redmine, thread.issue_id, identity.redmine_user_id, notes)
    if journal_id is not None:
        async with sessions() as session:
            await ImportedReplyRepository(session).link(
                reply.channel_id, reply.ts, journal_id, notes
            )
            await session.commit()
    result.journal_id = journal_id
    return result


async def finish_claim(
    claim: ImportedReply,
    reply: SlackReply | None,
    *,
    identity: Identity,
    redmine: Redmine,
    sessions: async_sessionmaker[AsyncSession],
    formatting: TextFormatting,
) -> str:
    """Take up a claim the import never finished (the process died after claiming).

    Redmine is asked first: a journal by the reply's author with the claimed notes (the
    claim's digest is the reply's marker) means the note was written and only the link
    was lost; it is linked, not written again. Otherwise the reply, read again from
    Slack (`reply`, None when it is gone), is written once as its author. Files are not
    uploaded again: a recovered reply carries its text. Returns what was done.
    """
    digest_notes = await _journal_by_digest(redmine, claim)
    if digest_notes is not None:
        journal_id, notes = digest_notes
        async with sessions() as session:
            await ImportedReplyRepository(session).link(
                claim.channel_id, claim.message_ts, journal_id, notes
            )
            await session.commit()
        return "linked"
    thread = await synced_thread(sessions, claim.channel_id, reply.thread_ts) if reply else None
    if reply is None or thread is None or thread.issue_id != claim.issue_id:
        # The message is gone, or its thread no longer syncs: nothing to write.
        async with sessions() as session:
            await ImportedReplyRepository(session).release(claim.channel_id, claim.message_ts)
            await session.commit()
        return "released"
    issue = await redmine.issues.get(thread.issue_id)
    private = thread.private_channel or bool(issue.is_private)
    notes = note_text(reply, formatting)
    await _write_claimed(
        thread, replace(reply, file_ids=()), notes, private, identity, redmine, sessions, None
    )
    return "written"


async def _journal_by_digest(redmine: Redmine, claim: ImportedReply) -> tuple[int, str] | None:
    issue = await redmine.issues.get(claim.issue_id, include=("journals",))
    for journal in reversed(issue.journals):
        author = journal.user.id if journal.user else None
        notes = journal.notes or ""
        if author == claim.redmine_user_id and note_digest(notes) == claim.note_digest:
            return journal.id, notes
    return None


async def _write(
    issue_id: int,
    notes: str,
    private: bool,
    file_ids: Sequence[str],
    redmine: Redmine,
    upload_files: UploadFiles | None,
) -> ReplyImported:
    uploaded = (
        await upload_files(redmine, file_ids) if file_ids and upload_files else UploadedFiles()
    )
    refused = list(uploaded.refused)
    if not notes and not uploaded.specs:
        why = "\n".join(f"• `{name}`: {reason}" for name, reason in refused)
        raise UserFacingError(_(NOTHING_TO_IMPORT, issue_id=issue_id, why=why))
    fields: dict[str, object] = {"notes": notes, "private_notes": private}
    if uploaded.specs:
        fields["uploads"] = uploaded.specs
    try:
        await redmine.issues.update(issue_id, **fields)
    except ForbiddenError:
        raise UserFacingError(_(NOT_ALLOWED, issue_id=issue_id)) from None
    return ReplyImported(issue_id=issue_id, private=private, journal_id=None, refused=refused)


def refused_files_text(issue_id: int, refused: Sequence[tuple[str, str]]) -> str:
    """What to tell the author when some files did not go with the note."""
    lines = [_("Your reply is a note on #{id}, but some files were not attached:", id=issue_id)]
    lines += [f"• `{name}`: {why}" for name, why in refused]
    lines.append(_("Attach them in Redmine, or make them smaller and reply again."))
    return "\n".join(lines)
