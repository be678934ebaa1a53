"""One worker at a time delivers notifications, whichever process or replica it is in.

Two pollers (several replicas, or `redmine-slack web` taking webhooks while
`redmine-slack poll` runs elsewhere) would otherwise both read "journal 7 not delivered
yet" and both post it. The lease is one row naming its holder and until when it holds;
taking it is a single conditional UPDATE, which SQLite and Postgres both apply
atomically. A holder renews it while it works and gives it back when done; one that
dies is replaced once its lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models import NotifyLease, utcnow

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=2)


class NotifyLeaseHolder:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl: timedelta = LEASE_TTL,
        clock: Callable[[], datetime] = utcnow,
        holder: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.ttl = ttl
        self.clock = clock
        self.holder = holder or uuid.uuid4().hex
        self._renewed_at: datetime | None = None

    async def acquire(self) -> bool:
        """Take the lease, or extend it if it is ours; False while someone else holds it."""
        now = self.clock()
        async with self.sessions() as session:
            result = await session.execute(
                update(NotifyLease)
                .where(
                    NotifyLease.id == 1,
                    or_(NotifyLease.holder == self.holder, NotifyLease.until < now),
                )
                .values(holder=self.holder, until=now + self.ttl)
            )
            await session.commit()
            if result.rowcount == 1:  # type: ignore[attr-defined]
                self._renewed_at = now
                return True
            if await session.get(NotifyLease, 1) is not None:
                return False
            session.add(NotifyLease(id=1, holder=self.holder, until=now + self.ttl))
            try:
                await session.commit()
            except IntegrityError:  # another worker created the row first: it holds it
                await session.rollback()
                return False
        self._renewed_at = now
        return True

    async def wait_for(self, seconds: float, step: float = 0.25) -> bool:
        """Try to take the lease for up to `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not await self.acquire():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(step)
        return True

    async def keep(self) -> bool:
        """Renew while working, at most every quarter of the TTL; False if it was lost."""
        if self._renewed_at is not None and self.clock() - self._renewed_at < self.ttl / 4:
            return True
        held = await self.acquire()
        if not held:
            log.warning("the notification lease passed to another worker; stopping this work")
        return held

    async def release(self) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(NotifyLease)
                .where(NotifyLease.id == 1, NotifyLease.holder == self.holder)
                .values(until=self.clock() - timedelta(seconds=1))
            )
            await session.commit()
        self._renewed_at = None
