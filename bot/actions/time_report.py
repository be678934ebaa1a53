"""`/redmine time`: a person's spent time over a period, read as the person who asks.

Redmine decides what may be seen: `GET /time_entries.json?user_id=N` as the asker lists
only the entries in projects where the asker's role may view spent time, and answers 403
when they may view it in no project at all (checked on Redmine 5.0.4). So another
person's time is never read with more rights than the asker has, and an empty answer for
someone else cannot be told apart from "not allowed": the report says both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from bot.actions.errors import UserFacingError
from bot.domain.timesheet import (
    DateRange,
    IssueHours,
    Person,
    ProjectHours,
    TimeReport,
    entry_issue_id,
    hours_of,
)
from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError
from bot.redmine.models import TimeEntry

K = TypeVar("K", int, date)

NO_TIME_VISIBLE = N_(
    "Redmine does not let you see spent time in any project. Ask a project manager for a "
    "role with the *View spent time* permission."
)


def _most_first(totals: dict[K, Decimal]) -> list[tuple[K, Decimal]]:
    return sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))


async def read_entries(
    redmine: Redmine, period: DateRange, person: Person | None
) -> list[TimeEntry]:
    try:
        return [
            entry
            async for entry in redmine.time_entries.spent_by(
                person.user_id if person else "me", period.start, period.end
            )
        ]
    except ForbiddenError:
        raise UserFacingError(_(NO_TIME_VISIBLE)) from None


async def summarize(
    redmine: Redmine, period: DateRange, person: Person | None, entries: Iterable[TimeEntry]
) -> TimeReport:
    """Totals per day, issue and project; issue subjects read as the asker (one request
    per hundred issues), so an issue they may not see keeps only its number."""
    entries = tuple(entries)
    per_day: dict[date, Decimal] = defaultdict(Decimal)
    per_issue: dict[int, Decimal] = defaultdict(Decimal)
    issue_project: dict[int, tuple[int, str]] = {}
    per_project: dict[int, Decimal] = defaultdict(Decimal)
    project_names: dict[int, str] = {}
    without_issue = Decimal(0)
    for entry in entries:
        hours = hours_of(entry)
        if entry.spent_on is not None:
            per_day[entry.spent_on] += hours
        per_project[entry.project.id] += hours
        project_names[entry.project.id] = entry.project.name
        issue_id = entry_issue_id(entry)
        if issue_id is None:
            without_issue += hours
        else:
            per_issue[issue_id] += hours
            issue_project[issue_id] = (entry.project.id, entry.project.name)
    subjects = {issue.id: issue.subject for issue in await redmine.issues.by_ids(per_issue)}
    return TimeReport(
        period=period,
        person=person,
        total=sum((hours_of(e) for e in entries), Decimal(0)),
        per_day=tuple(sorted(per_day.items())),
        per_issue=tuple(
            IssueHours(
                issue_id,
                subjects.get(issue_id),
                issue_project[issue_id][1],
                hours,
                issue_project[issue_id][0],
            )
            for issue_id, hours in _most_first(per_issue)
        ),
        per_project=tuple(
            ProjectHours(project_id, project_names[project_id], hours)
            for project_id, hours in _most_first(per_project)
        ),
        without_issue=without_issue,
        entries=entries,
    )


async def time_report(redmine: Redmine, period: DateRange, person: Person | None) -> TimeReport:
    """Spent time of `person` (None: the asker) over `period`, as the asker may see it."""
    entries = await read_entries(redmine, period, person)
    named = next((e.user for e in entries if e.user and e.user.name), None)
    if person is not None and named is not None:
        person = Person(person.user_id, named.name)  # as Redmine shows them, not the login
    return await summarize(redmine, period, person, entries)
