"""Each Slack request is taken once, across replicas, through the database.

A signed request names itself by its (timestamp, signature): Slack never sends the same
pair twice (it never resends a slash command or an interaction), so a second sight is a
replay and is refused. Slack does retry events that were not acked in time, marking them
with `X-Slack-Retry-Num`; a retry is a new HTTP request, signed afresh (the third retry
comes about five minutes after the first try, past the five-minute signature window), but
it carries the same `event_id`, so events are taken once by their id.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.slackrequest import FIVE_MINUTES
from bot.store.repositories import SeenRequestRepository

# Slack retries an event three times, the last about five minutes after the first try;
# an hour covers that with room to spare.
EVENT_MEMORY = timedelta(hours=1)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class ReplayGuard:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def _first(self, key: str, expires_at: datetime) -> bool:
        async with self.sessions() as session:
            first = await SeenRequestRepository(session).first_time(key, expires_at)
            await session.commit()
            return first

    async def first_signature(self, timestamp: int, signature: str) -> bool:
        """Whether this signed request was never seen (it is then recorded)."""
        # Past the window the timestamp check refuses it anyway: the row can go.
        expires_at = datetime.fromtimestamp(timestamp + FIVE_MINUTES + 60, UTC)
        return await self._first(_key("signature", f"{timestamp}:{signature}"), expires_at)

    async def first_event(self, event_id: str) -> bool:
        """Whether this event was never taken (it is then recorded)."""
        return await self._first(_key("event", event_id), datetime.now(UTC) + EVENT_MEMORY)
