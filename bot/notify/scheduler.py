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
import re
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models import ScheduledSend, utcnow
from bot.store.schedules import ScheduleRepository

log = logging.getLogger(__name__)

MAKE_UP_WINDOW = timedelta(hours=2)
TICK_SECONDS = 30.0
WORKDAYS = "12345"  # ISO weekdays, Monday to Friday
EVERY_DAY = "1234567"
_OFFSET = re.compile(r"^UTC([+-])([0-9]{2}):([0-9]{2})$")

# Sends one occurrence (the schedule and its local date); raises to be tried again.
Sender = Callable[[ScheduledSend, date], Awaitable[None]]
Hold = Callable[[], AbstractAsyncContextManager[bool]]


def zone_named(name: str) -> tzinfo:
    """An IANA zone ("Europe/Berlin") or a fixed offset ("UTC+05:30"); UTC if unknown."""
    offset = _OFFSET.match(name)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        return timezone(sign * delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.info("unknown time zone %r in a schedule; using UTC", name)
        return UTC


def zone_name(zone: tzinfo) -> str:
    """How a zone is stored: its IANA key, else its offset now."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def last_occurrence(
    now: datetime, minute_of_day: int, zone: tzinfo, weekdays: str
) -> tuple[date, datetime] | None:
    """The latest (local date, instant) at or before `now` when the schedule runs."""
    today = now.astimezone(zone).date()
    at = time(minute_of_day // 60, minute_of_day % 60)
    for back in range(8):
        day = today - timedelta(days=back)
        if str(day.isoweekday()) not in weekdays:
            continue
        instant = datetime.combine(day, at, tzinfo=zone)
        if instant <= now:
            return day, instant
    return None


def key_at(now: datetime, minute_of_day: int, zone: tzinfo, weekdays: str) -> str | None:
    """The key of the occurrence already past at `now`: a new schedule starts after it."""
    found = last_occurrence(now, minute_of_day, zone, weekdays)
    return found[0].isoformat() if found else None


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
    ) -> None:
        self.sessions = sessions
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
            await sender(schedule, day)
        except Exception as error:
            log.warning("scheduled %s failed (%s); trying again next tick", schedule.name, error)
            async with self.sessions() as session:
                await ScheduleRepository(session).give_back(schedule.id, key, previous)
                await session.commit()
            report.failed.append(schedule.name)
            return
        report.sent.append(schedule.name)
