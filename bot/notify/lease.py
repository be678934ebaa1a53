"""One worker at a time delivers notifications, whichever process or replica it is in.

Two pollers (several replicas, or `redmine-slack web` taking webhooks while
`redmine-slack poll` runs elsewhere) would otherwise both read "journal 7 not delivered
yet" and both post it. The lease is one row naming its holder and until when it holds;
taking it is a single conditional UPDATE, which SQLite and Postgres both apply
atomically. A holder renews it in the background while it works (so a slow Redmine or a
long Slack Retry-After never lets it lapse under a live worker) and gives it back when
done, also on a graceful stop.

A holder that dies (kill -9, a crash) is replaced once its short lease runs out, or at
once when it is provably gone: its name records the process (pid and start time) and
the pid space it ran in (boot id and pid namespace). A worker in that same pid space
that finds no such process, or another process under that pid, knows the holder is
dead; a worker anywhere else (another host, another container) cannot know and waits
for the lease to run out. A restarted container reuses pid 1, but with a new start
time, so that case is told apart too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.deadlines import Deadlines
from bot.notify.failures import DeadlinePassed
from bot.store.models import NotifyLease, utcnow

log = logging.getLogger(__name__)

# Short, so a worker on another host takes over soon after a crash; renewed every
# quarter of it in the background while held, so it never lapses under a live worker.
LEASE_TTL = timedelta(seconds=15)


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def process_start(pid: int) -> str | None:
    """The start time of process `pid` in clock ticks since boot (/proc), None if none."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    # Field 22; the command name (field 2) is in parentheses and may hold spaces.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def pid_space() -> str | None:
    """Which pids we can see: this kernel boot and this pid namespace; None without /proc."""
    boot = _read("/proc/sys/kernel/random/boot_id")
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    if not boot:
        return None
    return hashlib.sha256(f"{boot}/{namespace}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class HolderName:
    """What a holder's name says about it: `token/pid/start/space` (fits 64 characters)."""

    token: str
    pid: int | None = None
    start: str | None = None
    space: str | None = None

    @classmethod
    def for_this_process(cls) -> HolderName:
        pid = os.getpid()
        return cls(uuid.uuid4().hex[:16], pid, process_start(pid), pid_space())

    @classmethod
    def parse(cls, name: str) -> HolderName:
        parts = name.split("/")
        if len(parts) != 4 or not parts[1].isascii() or not parts[1].isdigit():
            return cls(name)  # an older or foreign name: nothing provable about it
        return cls(parts[0], int(parts[1]), parts[2] or None, parts[3] or None)

    def __str__(self) -> str:
        if self.pid is None:
            return self.token
        return f"{self.token}/{self.pid}/{self.start or ''}/{self.space or ''}"

    def provably_gone(self) -> bool:
        """True only when this holder ran in our pid space and its process is no more."""
        if self.pid is None or self.start is None or self.space is None:
            return False
        if self.space != pid_space():
            return False  # another host or container: its pids are not ours to look at
        return process_start(self.pid) != self.start


class NotifyLeaseHolder:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl: timedelta = LEASE_TTL,
        clock: Callable[[], datetime] = utcnow,
        holder: str | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.sessions = sessions
        # Every round trip to the lease row has a deadline: a database that stops
        # answering (or a row another transaction holds) must not stall the notifier.
        self.deadlines = deadlines or Deadlines()
        self.ttl = ttl
        self.clock = clock
        self.holder = holder or str(HolderName.for_this_process())
        self._renewed_at: datetime | None = None

    async def acquire(self) -> bool:
        """Take the lease, or extend it if it is ours; False while someone else holds it."""
        return await self.deadlines.run("lease", "the notification lease", self._acquire())

    async def _acquire(self) -> bool:
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
            row = await session.get(NotifyLease, 1)
            if row is not None:
                return await self._take_from_the_dead(session, row.holder, now)
            session.add(NotifyLease(id=1, holder=self.holder, until=now + self.ttl))
            try:
                await session.commit()
            except IntegrityError:  # another worker created the row first: it holds it
                await session.rollback()
                return False
        self._renewed_at = now
        return True

    async def _take_from_the_dead(self, session: AsyncSession, holder: str, now: datetime) -> bool:
        if not HolderName.parse(holder).provably_gone():
            return False
        # Compare-and-set on the dead holder's name: of several workers that saw it dead
        # at once, one takes the lease.
        result = await session.execute(
            update(NotifyLease)
            .where(NotifyLease.id == 1, NotifyLease.holder == holder)
            .values(holder=self.holder, until=now + self.ttl)
        )
        await session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        log.info("took over the notification lease from a stopped worker (%s)", holder)
        self._renewed_at = now
        return True

    async def heartbeat(self) -> None:
        """Renew every quarter of the TTL while held (run as a task; cancelled on release)."""
        while True:
            await asyncio.sleep(self.ttl.total_seconds() / 4)
            try:
                if not await self.keep():
                    return
            except DeadlinePassed:
                continue  # logged where it passed; the next beat tries again

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
        # A release that cannot be made runs out by itself within the TTL.
        with contextlib.suppress(DeadlinePassed):
            await self.deadlines.run("lease", "giving the notification lease back", self._release())

    async def _release(self) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(NotifyLease)
                .where(NotifyLease.id == 1, NotifyLease.holder == self.holder)
                .values(until=self.clock() - timedelta(seconds=1))
            )
            await session.commit()
        self._renewed_at = None
