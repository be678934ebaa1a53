"""Spent-time data shared by the time actions and their builders: periods, totals.

A leaf module (like bot/slack/messages.py), so bot/actions and bot/blocks both build on it
without importing each other.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.i18n import _, current
from bot.redmine.models import TimeEntry

PERIOD_NAMES = ("today", "week", "month", "last week")


@dataclass(frozen=True)
class Period:
    """A time range as asked: a named one (resolved against the person's today) or dates."""

    name: str  # one of PERIOD_NAMES, or "between"
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive
    label: str  # "this week", "2026-11-01 to 2026-11-15"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def monday_of(day: date) -> date:
    """Weeks start on Monday (ISO 8601)."""
    return day - timedelta(days=day.weekday())


def resolve_period(period: Period, today: date) -> DateRange:
    """The dates a period covers, `today` being the person's own date (their time zone)."""
    if period.name == "today":
        return DateRange(today, today, _("today"))
    if period.name == "week":
        start = monday_of(today)
        return DateRange(start, start + timedelta(days=6), _("this week"))
    if period.name == "last week":
        start = monday_of(today) - timedelta(days=7)
        return DateRange(start, start + timedelta(days=6), _("last week"))
    if period.name == "month":
        last = calendar.monthrange(today.year, today.month)[1]
        month = current().format_month(today)
        return DateRange(today.replace(day=1), today.replace(day=last), month)
    if period.start is None or period.end is None:
        raise ValueError(f"unknown period {period.name!r}")
    between = _("{start} to {end}", start=period.start, end=period.end)
    return DateRange(period.start, period.end, between)


@dataclass(frozen=True)
class Person:
    """Whose time: a Redmine user id and the name to show."""

    user_id: int
    name: str


@dataclass(frozen=True)
class IssueHours:
    issue_id: int
    subject: str | None  # None when the issue itself cannot be read
    project: str
    hours: Decimal
    project_id: int | None = None


@dataclass(frozen=True)
class ProjectHours:
    project_id: int
    name: str
    hours: Decimal


@dataclass(frozen=True)
class TimeReport:
    period: DateRange
    person: Person | None  # None: the person who asked
    total: Decimal
    per_day: tuple[tuple[date, Decimal], ...]  # days with time, oldest first
    per_issue: tuple[IssueHours, ...]  # most hours first
    per_project: tuple[ProjectHours, ...]  # most hours first
    without_issue: Decimal  # time logged on a project, not on an issue
    entries: tuple[TimeEntry, ...]

    @property
    def is_empty(self) -> bool:
        return not self.entries


def hours_of(entry: TimeEntry) -> Decimal:
    # Through str: Redmine's floats (0.1 + 0.2) must add up as people add them.
    return Decimal(str(entry.hours))


def entry_issue_id(entry: TimeEntry) -> int | None:
    issue = entry.issue or {}
    value = issue.get("id")
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class TouchedIssue:
    """An issue the person worked on today: assigned and changed, changed by them, or
    logged on. `project_id` lets the log-time form offer that project's activities."""

    issue_id: int
    subject: str | None
    project_id: int | None
    project: str


@dataclass(frozen=True)
class DayReview:
    report: TimeReport
    touched: tuple[TouchedIssue, ...]
    target: Decimal

    @property
    def short(self) -> bool:
        return self.report.total < self.target
