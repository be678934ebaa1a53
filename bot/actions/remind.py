"""`/redmine remind <HH:MM> [hours]` and `remind off`: the person's workday reminder and
their weekly summary, two stored schedules (bot.notify.scheduler) in their time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.recurrence import WORKDAYS, ReminderSet, key_at, zone_name
from bot.store.schedules import ScheduleRepository

REMINDER = "reminder"
WEEKLY = "weekly"
LAST_WORKDAY = "5"  # Friday, the last of WORKDAYS


def reminder_name(slack_user_id: str) -> str:
    return f"{REMINDER}:{slack_user_id}"


def weekly_name(slack_user_id: str) -> str:
    return f"{WEEKLY}:{slack_user_id}"


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


async def current_reminder(
    sessions: async_sessionmaker[AsyncSession], slack_user_id: str
) -> ReminderSet | None:
    """The person's workday reminder as stored, or None when they have none."""
    async with sessions() as session:
        row = await ScheduleRepository(session).get(reminder_name(slack_user_id))
    if row is None:
        return None
    hour, minute = divmod(row.minute_of_day, 60)
    return ReminderSet(hour, minute, Decimal(str(row.payload.get("hours", "8"))), row.timezone)


async def clear_reminder(sessions: async_sessionmaker[AsyncSession], slack_user_id: str) -> bool:
    """Remove both schedules; False when there was no reminder."""
    async with sessions() as session:
        schedules = ScheduleRepository(session)
        removed = await schedules.remove(reminder_name(slack_user_id))
        await schedules.remove(weekly_name(slack_user_id))
        await session.commit()
    return removed
