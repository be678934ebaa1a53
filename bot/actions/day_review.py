"""What a reminder and a weekly summary show: a person's day or week, read as them.

The period's name ("today", "this week") is in the language in use: call these inside the
reader's `bot.i18n.using`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from bot.actions.time_report import time_report
from bot.domain.timesheet import DateRange, DayReview, TimeReport, TouchedIssue, monday_of
from bot.i18n import _
from bot.redmine import Redmine
from bot.redmine.issues import date_filter
from bot.redmine.models import Issue


def day_window(day: date, zone: tzinfo) -> str:
    """The person's local day as a UTC timestamp range (`><a|b`): Redmine reads a bare
    date in the API user's own time zone, not the Slack person's."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return date_filter("><", start, end - timedelta(seconds=1))


async def _changed_today(redmine: Redmine, window: str, who: dict[str, str]) -> list[Issue]:
    return [
        issue
        async for issue in redmine.issues.all(
            status_id="*", filters={**who, "updated_on": window}, sort="updated_on:desc"
        )
    ]


async def review_day(redmine: Redmine, day: date, zone: tzinfo, target: Decimal) -> DayReview:
    """Today's entries and the issues touched today, as the person sees them."""
    report = await time_report(redmine, DateRange(day, day, _("today")), None)
    window = day_window(day, zone)
    assigned = await _changed_today(redmine, window, {"assigned_to_id": "me"})
    changed = await _changed_today(redmine, window, {"updated_by": "me"})
    touched: dict[int, TouchedIssue] = {}
    for issue in [*assigned, *changed]:
        touched.setdefault(
            issue.id, TouchedIssue(issue.id, issue.subject, issue.project.id, issue.project.name)
        )
    for logged in report.per_issue:
        touched.setdefault(
            logged.issue_id,
            TouchedIssue(logged.issue_id, logged.subject, logged.project_id, logged.project),
        )
    return DayReview(report, tuple(touched.values()), target)


async def review_week(redmine: Redmine, day: date) -> TimeReport:
    """The week so far, Monday to `day` (the last workday), as the person sees it."""
    return await time_report(redmine, DateRange(monday_of(day), day, _("this week")), None)
