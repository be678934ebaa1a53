"""When a recurring send falls: local times of day on chosen weekdays, in a time zone.

A leaf module shared by the scheduler (bot.notify.scheduler) and the actions that set
schedules up (bot.actions.remind), so neither imports the other.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

WORKDAYS = "12345"  # ISO weekdays, Monday to Friday
EVERY_DAY = "1234567"
_OFFSET = re.compile(r"^UTC([+-])([0-9]{2}):([0-9]{2})$")


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


@dataclass(frozen=True)
class ReminderSet:
    """A person's workday reminder: local time, the hours they aim for, their zone."""

    hour: int
    minute: int
    hours: Decimal
    zone: str
