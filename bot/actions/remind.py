"""`/redmine remind <HH:MM> [hours]` and `remind off`: the person's workday reminder and
their weekly summary, two stored schedules (bot.notify.scheduler) in their time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.recurrence import WORKDAYS, key_at, zone_name
from bot.store.schedules import ScheduleRepository

REMINDER = "reminder"
WEEKLY = "weekly"
LAST_WORKDAY = "5"  # Friday, the last of WORKDAYS


def reminder_name(slack_user_id: str) -> str:
    return f"{REMINDER}:{slack_user_id}"


def weekly_name(slack_user_id: str) -> str:
    return f"{WEEKLY}:{slack_user_id}"


@dataclass(frozen=True)
class ReminderSet:
    hour: int
    minute: int
    hours: Decimal
    zone: str


async def set_reminder(
    sessions: async_sessionmaker[AsyncSession],
    slack_user_id: str,
    at: tuple[int, int],
    hours: Decimal,
    zone: tzinfo,
    now: datetime,
) -> ReminderSet:
    """Save (or replace) both schedules. A time already past today starts tomorrow."""
    minute = at[0] * 60 + at[1]
    stored_zone = zone_name(zone)
    async with sessions() as session:
        schedules = ScheduleRepository(session)
        for name, kind, days in (
            (reminder_name(slack_user_id), REMINDER, WORKDAYS),
            (weekly_name(slack_user_id), WEEKLY, LAST_WORKDAY),
        ):
            await schedules.save(
                name,
                kind=kind,
                owner=slack_user_id,
                minute_of_day=minute,
                timezone=stored_zone,
                weekdays=days,
                payload={"hours": str(hours)},
                last_key=key_at(now, minute, zone, days),
            )
        await session.commit()
    return ReminderSet(at[0], at[1], hours, stored_zone)


async def clear_reminder(sessions: async_sessionmaker[AsyncSession], slack_user_id: str) -> bool:
    """Remove both schedules; False when there was no reminder."""
    async with sessions() as session:
        schedules = ScheduleRepository(session)
        removed = await schedules.remove(reminder_name(slack_user_id))
        await schedules.remove(weekly_name(slack_user_id))
        await session.commit()
    return removed
