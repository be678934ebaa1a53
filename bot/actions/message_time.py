"""Time spent, logged from a message's form on an issue the person already checked.

The activity was checked against the issue's project before the ack
(`bot.actions.issue_target.check_activity`); Redmine judges the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.actions.issue_target import Target
from bot.actions.log_time import TimeLog, write_time_entry
from bot.inputs.forms import TimeForm
from bot.redmine.models import EnumerationItem, Issue, TimeEntry


@dataclass(frozen=True)
class TimeLogged:
    issue: Issue
    entry: TimeEntry
    activity: EnumerationItem | None  # None when Redmine's list was not at hand in time


async def log_message_time(
    target: Target, form: TimeForm, hours: Decimal, activity: EnumerationItem | None
) -> TimeLogged:
    """`hours` is the form's, known to be there once the form passed its checks.

    Written the way `/redmine log` writes (`bot.actions.log_time.write_time_entry`).
    """
    log = TimeLog(target.issue.id, hours, form.activity_id, form.comment, form.spent_on)
    entry = await write_time_entry(target.redmine, log)
    return TimeLogged(target.issue, entry, activity)
