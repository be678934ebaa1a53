"""What the Slack door needs to know which threads the app follows, read in few queries.

Read-only: the rows are written where threads are made (the notifier's issue threads,
the `connect_thread` shortcut's links, imported replies). `since` reads only the rows
made from then on, so a replica keeping its set current reads little every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ImportedReply, IssueThread, LinkedThread, Subscription

Thread = tuple[str, str]  # (channel id, thread_ts)


@dataclass
class FollowedRows:
    """Threads whose replies may become notes, and channels whose edits may matter."""

    linked: set[Thread] = field(default_factory=set)  # every linked thread, always whole
    reply_channels: set[str] = field(default_factory=set)  # live `replies:on`, always whole
    issue_threads: set[Thread] = field(default_factory=set)  # made since `since`
    imported_channels: set[str] = field(default_factory=set)  # replies imported since `since`


async def read_followed(session: AsyncSession, since: datetime | None = None) -> FollowedRows:
    """Linked threads and `replies:on` channels whole (both are few, and a link or a
    subscription may also go away); issue threads and imported replies since `since`."""
    rows = FollowedRows()
    linked = await session.execute(select(LinkedThread.channel_id, LinkedThread.thread_ts))
    rows.linked = {(channel, ts) for channel, ts in linked.all()}
    channels = await session.execute(
        select(Subscription.channel_id)
        .where(Subscription.replies.is_(True), Subscription.paused.is_(False))
        .distinct()
    )
    rows.reply_channels = set(channels.scalars().all())
    threads = select(IssueThread.channel_id, IssueThread.thread_ts)
    imported = select(ImportedReply.channel_id).distinct()
    if since is not None:
        threads = threads.where(IssueThread.created_at >= since)
        imported = imported.where(ImportedReply.created_at >= since)
    rows.issue_threads = {(channel, ts) for channel, ts in (await session.execute(threads)).all()}
    rows.imported_channels = set((await session.execute(imported)).scalars().all())
    return rows
