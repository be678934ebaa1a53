"""Slack replies imported as Redmine notes: claimed once, linked to their journal.

Kept apart from repositories.py: this is the one table the two-way threads own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.redmine.models import Journal
from bot.store.models import ImportedReply, IssueThread, LinkedThread, Subscription, utcnow
from bot.store.repositories import _insert_ignoring_duplicates


def note_digest(notes: str) -> str:
    """What a journal's notes are recognised by before its id is known."""
    return hashlib.sha256(notes.strip().replace("\r\n", "\n").encode()).hexdigest()


@dataclass(frozen=True)
class JournalSeen:
    """The little the echo check needs of a journal."""

    id: int
    user_id: int | None
    notes: str | None

    @classmethod
    def of(cls, journal: Journal) -> JournalSeen:
        return cls(journal.id, journal.user.id if journal.user else None, journal.notes)


class ImportedReplyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue_for_thread(self, channel_id: str, thread_ts: str) -> int | None:
        """The issue whose notification thread in `channel_id` starts at `thread_ts`."""
        found = await self.session.execute(
            select(IssueThread.issue_id).where(
                IssueThread.channel_id == channel_id, IssueThread.thread_ts == thread_ts
            )
        )
        return found.scalars().first()

    async def linked(self, channel_id: str, thread_ts: str) -> LinkedThread | None:
        return await self.session.get(LinkedThread, (channel_id, thread_ts))

    async def link_thread(
        self, channel_id: str, thread_ts: str, issue_id: int, *, private: bool, by: str
    ) -> None:
        row = await self.linked(channel_id, thread_ts)
        if row is None:
            self.session.add(
                LinkedThread(
                    channel_id=channel_id,
                    thread_ts=thread_ts,
                    issue_id=issue_id,
                    private=private,
                    linked_by_slack_user=by,
                    created_at=utcnow(),
                )
            )
        else:
            row.issue_id, row.private, row.linked_by_slack_user = issue_id, private, by
        await self.session.flush()

    async def unlink_thread(self, channel_id: str, thread_ts: str) -> bool:
        removed = await self.session.execute(
            delete(LinkedThread).where(
                LinkedThread.channel_id == channel_id, LinkedThread.thread_ts == thread_ts
            )
        )
        return bool(getattr(removed, "rowcount", 0))

    async def reply_subscriptions(self, channel_id: str) -> Sequence[Subscription]:
        """The channel's live subscriptions with `replies:on`."""
        found = await self.session.execute(
            select(Subscription)
            .where(
                Subscription.channel_id == channel_id,
                Subscription.replies.is_(True),
                Subscription.paused.is_(False),
            )
            .order_by(Subscription.id)
        )
        return found.scalars().all()

    async def claim(
        self,
        channel_id: str,
        message_ts: str,
        *,
        issue_id: int,
        slack_user_id: str,
        redmine_user_id: int,
        notes: str,
    ) -> bool:
        """True for the one caller, in any replica, that may import this message."""
        row = {
            "channel_id": channel_id,
            "message_ts": message_ts,
            "issue_id": issue_id,
            "slack_user_id": slack_user_id,
            "redmine_user_id": redmine_user_id,
            "note_digest": note_digest(notes),
            "journal_id": None,
            "created_at": utcnow(),
        }
        inserted = await self.session.execute(
            _insert_ignoring_duplicates(self.session, ImportedReply, [row])
        )
        return bool(getattr(inserted, "rowcount", 0) == 1)

    async def release(self, channel_id: str, message_ts: str) -> None:
        """Give a claim back when Redmine refused the note: nothing was imported."""
        await self.session.execute(
            delete(ImportedReply).where(
                ImportedReply.channel_id == channel_id, ImportedReply.message_ts == message_ts
            )
        )

    async def link(self, channel_id: str, message_ts: str, journal_id: int, notes: str) -> None:
        await self.session.execute(
            update(ImportedReply)
            .where(ImportedReply.channel_id == channel_id, ImportedReply.message_ts == message_ts)
            .values(journal_id=journal_id, note_digest=note_digest(notes))
        )

    async def unfinished(self, claimed_before: datetime) -> Sequence[ImportedReply]:
        """Claims never linked to a journal and older than `claimed_before`: the import
        stopped between claiming and writing (a kill), or wrote and was never linked."""
        found = await self.session.execute(
            select(ImportedReply)
            .where(ImportedReply.journal_id.is_(None), ImportedReply.created_at < claimed_before)
            .order_by(ImportedReply.created_at)
        )
        return found.scalars().all()

    async def get(self, channel_id: str, message_ts: str) -> ImportedReply | None:
        return await self.session.get(ImportedReply, (channel_id, message_ts))

    async def came_from(
        self, channel_id: str, issue_id: int, journals: Iterable[JournalSeen]
    ) -> set[int]:
        """The journals that are replies imported from this channel: not to be echoed.

        A journal counts when it is linked to a reply, or, while the import has not
        linked it yet, when its author and notes are those of a pending reply.
        """
        found = await self.session.execute(
            select(ImportedReply).where(
                ImportedReply.channel_id == channel_id, ImportedReply.issue_id == issue_id
            )
        )
        replies = found.scalars().all()
        linked = {r.journal_id for r in replies if r.journal_id is not None}
        pending = {(r.redmine_user_id, r.note_digest) for r in replies if r.journal_id is None}
        return {
            j.id
            for j in journals
            if j.id in linked or (j.notes and (j.user_id, note_digest(j.notes)) in pending)
        }
