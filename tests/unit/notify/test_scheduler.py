"""The scheduler on SQLite and PostgreSQL, with its clock injected: due times in a person's
time zone, two workers sending once, a restart across a scheduled time, failures retried."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.recurrence import WORKDAYS, key_at, last_occurrence, zone_name, zone_named
from bot.metrics import Metrics
from bot.notify.deadlines import Deadlines, DeadlineTable
from bot.notify.lease import NotifyLeaseHolder
from bot.notify.scheduler import Scheduler
from bot.store.models import ScheduledSend
from bot.store.schedules import ScheduleRepository

Sessions = async_sessionmaker[AsyncSession]
BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2026-11-23, 16:30 UTC is 17:30 in Berlin (CET, UTC+1).
MONDAY_1730 = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_occurrences_are_local_times_on_the_chosen_weekdays() -> None:
    at = 17 * 60 + 30
    assert last_occurrence(MONDAY_1730, at, BERLIN, WORKDAYS) == (
        date(2026, 11, 23),
        datetime(2026, 11, 23, 17, 30, tzinfo=BERLIN),
    )
    # A minute earlier the latest occurrence is Friday's: the weekend has none.
    before = MONDAY_1730 - timedelta(minutes=1)
    assert last_occurrence(before, at, BERLIN, WORKDAYS) == (
        date(2026, 11, 20),
        datetime(2026, 11, 20, 17, 30, tzinfo=BERLIN),
    )
    # Fridays only (the weekly summary on the last workday).
    assert last_occurrence(MONDAY_1730, at, BERLIN, "5") == (
        date(2026, 11, 20),
        datetime(2026, 11, 20, 17, 30, tzinfo=BERLIN),
    )
    # 23:30 UTC on Monday is already Tuesday 12:30 in Kiritimati (UTC+14).
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    late_monday = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert last_occurrence(late_monday, 9 * 60, kiritimati, WORKDAYS) == (
        date(2026, 11, 24),
        datetime(2026, 11, 24, 9, 0, tzinfo=kiritimati),
    )
    assert key_at(before, at, BERLIN, WORKDAYS) == "2026-11-20"


def test_zones_are_stored_by_name_or_offset() -> None:
    assert zone_name(BERLIN) == "Europe/Berlin"
    assert zone_named("Europe/Berlin") == BERLIN
    offset = zone_named("UTC-03:30")
    assert offset.utcoffset(None) == -timedelta(hours=3, minutes=30)
    assert zone_name(offset) == "UTC-03:30"
    assert zone_named("Mars/Olympus") == UTC


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[tuple[str, date]] = []
        self.fail_times = fail_times

    async def __call__(self, schedule: ScheduledSend, day: date) -> None:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise ConnectionError("Slack is down")
        self.sent.append((schedule.name, day))


def always_held() -> AsyncIterator[bool]:
    @asynccontextmanager
    async def hold() -> AsyncIterator[bool]:
        yield True

    return hold()


async def add_reminder(sessions: Sessions, created: datetime) -> None:
    at = 17 * 60 + 30
    async with sessions() as session:
        await ScheduleRepository(session).save(
            "reminder:UALICE",
            kind="reminder",
            owner="UALICE",
            minute_of_day=at,
            timezone="Europe/Berlin",
            weekdays=WORKDAYS,
            payload={"hours": "8"},
            last_key=key_at(created, at, BERLIN, WORKDAYS),
        )
        await session.commit()


async def test_a_schedule_set_after_todays_time_starts_tomorrow(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    sessions = two_workers[0]
    clock = Clock(MONDAY_1730 + timedelta(minutes=30))
    await add_reminder(sessions, clock.now)
    sent = Recorder()
    scheduler = Scheduler(sessions, {"reminder": sent}, always_held, clock=clock)
    assert (await scheduler.tick()).sent == []
    clock.now = MONDAY_1730 + timedelta(days=1)
    assert (await scheduler.tick()).sent == ["reminder:UALICE"]
    assert (await scheduler.tick()).sent == []  # once per occurrence
    assert sent.sent == [("reminder:UALICE", date(2026, 11, 24))]


async def test_two_workers_with_the_lease_send_once(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    clock = Clock(MONDAY_1730 - timedelta(hours=1))
    await add_reminder(two_workers[0], clock.now)
    clock.now = MONDAY_1730 + timedelta(seconds=5)
    sent = Recorder()
    workers = []
    for n, sessions in enumerate(two_workers):
        lease = NotifyLeaseHolder(sessions, clock=clock, holder=f"worker-{n}")

        @asynccontextmanager
        async def hold(lease: NotifyLeaseHolder = lease) -> AsyncIterator[bool]:
            held = await lease.acquire()
            try:
                yield held
            finally:
                if held:
                    await lease.release()

        workers.append(Scheduler(sessions, {"reminder": sent}, hold, clock=clock))
    first, second = workers
    async with first.hold() as held:  # the first worker holds the lease...
        assert held
        assert (await second.tick()).skipped  # ...so the second does not even look
        report = await first.run_due()
    assert report.sent == ["reminder:UALICE"]
    # Without the lease in the way, the second finds the occurrence taken.
    assert (await second.run_due()).sent == []
    assert sent.sent == [("reminder:UALICE", date(2026, 11, 23))]


async def test_a_restart_makes_up_a_send_under_two_hours_late_and_skips_one_later(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    sessions = two_workers[0]
    clock = Clock(MONDAY_1730 - timedelta(hours=3))
    await add_reminder(sessions, clock.now)
    # The service was down over Monday's 17:30 and is back 1 h 59 min later.
    clock.now = MONDAY_1730 + timedelta(hours=1, minutes=59)
    sent = Recorder()
    restarted = Scheduler(two_workers[1], {"reminder": sent}, always_held, clock=clock)
    assert (await restarted.tick()).sent == ["reminder:UALICE"]
    # Down again over Tuesday's 17:30, back 2 h 1 min later: skipped, and not sent later.
    clock.now = MONDAY_1730 + timedelta(days=1, hours=2, minutes=1)
    report = await Scheduler(sessions, {"reminder": sent}, always_held, clock=clock).tick()
    assert (report.sent, report.late) == ([], ["reminder:UALICE"])
    clock.now += timedelta(minutes=10)
    assert (await restarted.tick()).sent == []
    assert sent.sent == [("reminder:UALICE", date(2026, 11, 23))]


async def test_a_failed_send_is_tried_again_on_the_next_tick(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    sessions = two_workers[0]
    clock = Clock(MONDAY_1730 - timedelta(hours=1))
    await add_reminder(sessions, clock.now)
    clock.now = MONDAY_1730
    sent = Recorder(fail_times=1)
    scheduler = Scheduler(sessions, {"reminder": sent}, always_held, clock=clock)
    assert (await scheduler.tick()).failed == ["reminder:UALICE"]
    clock.now += timedelta(seconds=30)
    assert (await scheduler.tick()).sent == ["reminder:UALICE"]
    assert sent.sent == [("reminder:UALICE", date(2026, 11, 23))]


async def test_a_send_that_never_finishes_is_given_back_at_its_deadline(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    sessions = two_workers[0]
    clock = Clock(MONDAY_1730 - timedelta(hours=1))
    await add_reminder(sessions, clock.now)
    clock.now = MONDAY_1730
    hangs = [True]
    sent = Recorder()

    async def sender(schedule: ScheduledSend, day: date) -> None:
        if hangs.pop():
            await asyncio.Event().wait()  # Slack never answers
        await sent(schedule, day)

    metrics = Metrics()
    deadlines = Deadlines(metrics, DeadlineTable(send=0.05))
    scheduler = Scheduler(
        sessions, {"reminder": sender}, always_held, clock=clock, deadlines=deadlines
    )
    assert (await scheduler.tick()).failed == ["reminder:UALICE"]
    assert metrics.value("redmine_slack_deadlines_passed_total", waited_on="send") == 1.0
    hangs.append(False)
    clock.now += timedelta(seconds=30)
    assert (await scheduler.tick()).sent == ["reminder:UALICE"]
    assert sent.sent == [("reminder:UALICE", date(2026, 11, 23))]
