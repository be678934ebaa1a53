"""Each Slack request is taken once, across replicas, through the database.

A signed request names itself by its (timestamp, signature): Slack never sends the same
pair twice (it never resends a slash command or an interaction), so a second sight is a
replay and is refused. Slack does retry events that were not acked in time, marking them
with `X-Slack-Retry-Num`; a retry is a new HTTP request, signed afresh (the third retry
comes about five minutes after the first try, past the five-minute signature window), but
it carries the same `event_id`, so events are taken once by their id.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.slack.door.verify import FIVE_MINUTES
from bot.store.repositories import SeenRequestRepository

# Slack retries an event three times, the last about five minutes after the first try;
# an hour covers that with room to spare.
EVENT_MEMORY = timedelta(hours=1)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


# Expired rows are deleted at most this often per process, not on every request.
PRUNE_EVERY = timedelta(minutes=1)

Pending = tuple[str, datetime, "asyncio.Future[bool]"]


class ReplayGuard:
    """Records keys in batches: requests that arrive together share one transaction.

    One commit per request made a burst of 50 commands wait on each other's commits
    (SQLite takes one writer at a time, backing the others off in sleeps of up to 100 ms:
    p99 581 ms in bench/ack_latency.py). Whoever holds the writer's turn records every key
    waiting at that moment, so a burst costs a few commits, not fifty.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.next_prune = datetime.now(UTC)
        self.turn = asyncio.Lock()
        self.pending: list[Pending] = []

    async def _first(self, key: str, expires_at: datetime) -> bool:
        result: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pending.append((key, expires_at, result))
        async with self.turn:
            if not result.done():  # nobody recorded it while this request waited
                batch, self.pending = self.pending, []
                await self._record(batch)
        return await result

    async def _record(self, batch: list[Pending]) -> None:
        now = datetime.now(UTC)
        prune = now >= self.next_prune
        if prune:
            self.next_prune = now + PRUNE_EVERY
        try:
            async with self.sessions() as session:
                repository = SeenRequestRepository(session)
                firsts = [
                    await repository.first_time(key, expires_at, prune=prune and index == 0)
                    for index, (key, expires_at, _) in enumerate(batch)
                ]
                await session.commit()
        except Exception as error:  # every waiter hears it, and refuses its request
            for _, _, result in batch:
                result.set_exception(error)
            return
        for (_, _, result), first in zip(batch, firsts, strict=True):
            result.set_result(first)

    async def first_signature(self, timestamp: int, signature: str) -> bool:
        """Whether this signed request was never seen (it is then recorded)."""
        # Past the window the timestamp check refuses it anyway: the row can go.
        expires_at = datetime.fromtimestamp(timestamp + FIVE_MINUTES + 60, UTC)
        return await self._first(_key("signature", f"{timestamp}:{signature}"), expires_at)

    async def first_event(self, event_id: str) -> bool:
        """Whether this event was never taken (it is then recorded)."""
        return await self._first(_key("event", event_id), datetime.now(UTC) + EVENT_MEMORY)
