"""One scheduler for every recurring send: reminders, weekly summaries, digests.

Each schedule is a row (bot.store.schedules): a local time of day, a time zone, the
weekdays it runs on, and the local date of the last occurrence taken. Every tick, for
each schedule, the latest occurrence at or before now is found; if it was not taken
yet, it is taken by one conditional UPDATE and then sent. So:

- only the worker holding the notification lease ticks (the poller's hold is shared),
  and even two that did would not both take an occurrence;
- a restart finds in the database what was done: nothing is repeated;
- an occurrence missed while the service was down is made up when the service is back
  if it is less than MAKE_UP_WINDOW late, and skipped (recorded as taken) after that;
- a send that fails (Redmine or Slack down) is given back and tried on the next tick,
  within the same window. A process killed between taking and sending loses that one
  send, rather than ever sending it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.recurrence import last_occurrence, zone_named
from bot.notify.deadlines import Deadlines
from bot.store.models import ScheduledSend, utcnow
from bot.store.schedules import ScheduleRepository

log = logging.getLogger(__name__)

MAKE_UP_WINDOW = timedelta(hours=2)
TICK_SECONDS = 30.0

# Sends one occurrence (the schedule and its local date); raises to be tried again.
Sender = Callable[[ScheduledSend, date], Awaitable[None]]
Hold = Callable[[], AbstractAsyncContextManager[bool]]


@dataclass
class TickReport:
    skipped: bool = False  # another worker holds the lease
    sent: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # missed by more than the window
    failed: list[str] = field(default_factory=list)  # given back for the next tick


class Scheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        hold: Hold,
        *,
        clock: Callable[[], datetime] = utcnow,
        tick_seconds: float = TICK_SECONDS,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.sessions = sessions
        self.deadlines = deadlines or Deadlines()
        self.senders = senders
        self.hold = hold
        self.clock = clock
        self.tick_seconds = tick_seconds

    async def run_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a database hiccup must not end the schedule for good
                log.exception("scheduler tick failed; trying again next tick")
            await asyncio.sleep(self.tick_seconds)

    async def tick(self) -> TickReport:
        async with self.hold() as held:
            if not held:
                return TickReport(skipped=True)
            return await self.run_due()

    async def run_due(self) -> TickReport:
        """Send every occurrence that is due and not taken yet (the caller holds the lease)."""
        report = TickReport()
        now = self.clock()
        async with self.sessions() as session:
            schedules = list(await ScheduleRepository(session).all())
        for schedule in schedules:
            await self._run_one(schedule, now, report)
        return report

    async def _run_one(self, schedule: ScheduledSend, now: datetime, report: TickReport) -> None:
        zone = zone_named(schedule.timezone)
        found = last_occurrence(now, schedule.minute_of_day, zone, schedule.weekdays)
        if found is None:
            return
        day, instant = found
        key, previous = day.isoformat(), schedule.last_key
        if previous is not None and previous >= key:
            return  # ISO dates order as strings
        async with self.sessions() as session:
            taken = await ScheduleRepository(session).take(schedule.id, previous, key)
            await session.commit()
        if not taken:
            return  # another worker took it
        if now - instant > MAKE_UP_WINDOW:
            log.info("skipped %s of %s: %s late", schedule.name, key, now - instant)
            report.late.append(schedule.name)
            return
        sender = self.senders.get(schedule.kind)
        if sender is None:
            log.warning("no sender for scheduled %s (%s)", schedule.kind, schedule.name)
            return
        try:
            # A send waits on Redmine and Slack; past its deadline it is given back and
            # the next tick tries again (DeadlinePassed is logged where it passed).
            await self.deadlines.run(
                "send", f"the scheduled {schedule.name}", sender(schedule, day)
            )
        except Exception as error:
            log.warning("scheduled %s failed (%s); trying again next tick", schedule.name, error)
            async with self.sessions() as session:
                await ScheduleRepository(session).give_back(schedule.id, key, previous)
                await session.commit()
            report.failed.append(schedule.name)
            return
        report.sent.append(schedule.name)
