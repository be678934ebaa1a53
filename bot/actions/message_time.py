"""Time spent, logged from a message's form on an issue the person already checked.

The activity was checked against the issue's project before the ack
(`bot.actions.issue_target.check_activity`); Redmine judges the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.actions.issue_target import Target
from bot.forms import TimeForm
from bot.redmine.models import EnumerationItem, Issue, TimeEntry


@dataclass(frozen=True)
class TimeLogged:
    issue: Issue
    entry: TimeEntry
    activity: EnumerationItem | None  # None when Redmine's list was not at hand in time


async def log_message_time(
    target: Target, form: TimeForm, hours: Decimal, activity: EnumerationItem | None
) -> TimeLogged:
    """`hours` is the form's, known to be there once the form passed its checks."""
    fields: dict[str, Any] = {
        "issue_id": target.issue.id,
        "activity_id": form.activity_id,
        "comments": form.comment,
    }
    if form.spent_on is not None:
        fields["spent_on"] = form.spent_on.isoformat()
    entry = await target.redmine.time_entries.create(hours=str(hours), **fields)
    return TimeLogged(target.issue, entry, activity)
