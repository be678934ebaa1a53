"""Posts on their way to Slack (bot.store.models.PendingPost): begun before the post,
done in the same transaction that records the delivery."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import PendingPost, utcnow
from bot.store.repositories import _insert_ignoring_duplicates


class PendingPostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> PendingPost | None:
        return await self.session.get(PendingPost, key)

    async def begin(self, key: str, channel_id: str, thread_ts: str | None) -> None:
        row = {"key": key, "channel_id": channel_id, "thread_ts": thread_ts, "created_at": utcnow()}
        await self.session.execute(_insert_ignoring_duplicates(self.session, PendingPost, [row]))

    async def done(self, key: str) -> None:
        await self.session.execute(delete(PendingPost).where(PendingPost.key == key))
