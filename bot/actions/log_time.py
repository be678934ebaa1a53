"""Log time on an issue as the person: hours as Redmine reads them, a checked activity.

One action for both surfaces: `/redmine log 42 1h30 development fixed it` names the
activity at the start of its words (`log_time_from_words`); the log-time form picks an
activity id (`log_time` with `TimeLog.activity_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.actions.errors import UserFacingError
from bot.i18n import _
from bot.inputs.grammar import split_word
from bot.redmine import Redmine
from bot.redmine.models import EnumerationItem, TimeEntry
from bot.slack import limits


@dataclass(frozen=True)
class TimeLog:
    issue_id: int
    hours: Decimal
    activity_id: int | None = None  # None: Redmine's default activity, if it has one
    comment: str = ""
    spent_on: date | None = None  # None: today, in Redmine's reckoning


@dataclass(frozen=True)
class TimeLogged:
    entry: TimeEntry
    activity: EnumerationItem | None  # None when Redmine's default was used


@dataclass(frozen=True)
class ActivityChoice:
    activity: EnumerationItem | None
    comment: str


class NoActivity(UserFacingError):
    """No activity given and none is Redmine's default: answer with the choices."""

    def __init__(self, choices: list[EnumerationItem]) -> None:
        names = ", ".join(f"`{a.name.lower()}`" for a in choices) or _("none are active")
        super().__init__(
            _(
                "Which activity? Redmine has no default. Put one after the hours, e.g. "
                "`/redmine log 42 1h30 {example}`. Choices: {choices}.",
                example=choices[0].name.lower() if choices else "development",
                choices=names,
            )
        )
        self.choices = choices


async def project_activities(redmine: Redmine, project_id: int | None) -> list[EnumerationItem]:
    """The project's active time entry activities (Redmine's global list without one)."""
    if project_id is not None:
        own = await redmine.projects.activities_cached(project_id)
        if own:
            return own
    return [a for a in await redmine.enumerations.activities() if a.active]


def match_activity(activities: list[EnumerationItem], rest: str) -> ActivityChoice:
    """The activity named at the start of `rest` (whole name, or an unambiguous prefix).

    Longest whole names first, so "Quality assurance" wins over "Quality". When the first
    word matches nothing, all of `rest` is the comment.
    """
    text = rest.strip()
    lowered = text.lower()
    for activity in sorted(activities, key=lambda a: len(a.name), reverse=True):
        name = activity.name.lower()
        if lowered == name or (lowered.startswith(name) and lowered[len(name)].isspace()):
            return ActivityChoice(activity, text[len(name) :].strip())
    first, comment = split_word(text)
    if first:
        prefixed = [a for a in activities if a.name.lower().startswith(first.lower())]
        if len(prefixed) == 1:
            return ActivityChoice(prefixed[0], comment)
        if len(prefixed) > 1:
            names = ", ".join(f"`{a.name.lower()}`" for a in prefixed)
            raise UserFacingError(
                _(
                    "`{word}` could be {choices}. Type more of the activity's name.",
                    word=first,
                    choices=names,
                )
            )
    return ActivityChoice(None, text)


def chosen_activity(activities: list[EnumerationItem], log: TimeLog) -> EnumerationItem | None:
    """The activity the entry will have; refused before Redmine is asked to write anything."""
    if log.activity_id is None:
        if not any(a.is_default for a in activities):
            raise NoActivity(activities)
        return None
    activity = next((a for a in activities if a.id == log.activity_id), None)
    if activities and activity is None:
        raise UserFacingError(
            _("That activity is not used in the issue's project; choose another.")
        )
    return activity


async def log_time(redmine: Redmine, log: TimeLog) -> TimeLogged:
    """Write the time entry as the person, once its activity is known to be usable."""
    project_id = await redmine.issues.project_id_cached(log.issue_id)
    activity = chosen_activity(await project_activities(redmine, project_id), log)
    return TimeLogged(await write_time_entry(redmine, log), activity)


async def write_time_entry(redmine: Redmine, log: TimeLog) -> TimeEntry:
    """The write alone, for a form whose activity was checked before its ack."""
    fields: dict[str, object] = {
        "issue_id": log.issue_id,
        "comments": log.comment[: limits.REDMINE_TIME_COMMENT],
    }
    if log.activity_id is not None:
        fields["activity_id"] = log.activity_id
    if log.spent_on is not None:
        fields["spent_on"] = log.spent_on.isoformat()
    return await redmine.time_entries.create(hours=str(log.hours), **fields)


async def log_time_from_words(
    redmine: Redmine, issue_id: int, hours: Decimal, words: str, *, spent_on: date | None = None
) -> TimeLogged:
    """`/redmine log <issue> <hours> [activity] [comment]`: the activity read off the words."""
    project_id = await redmine.issues.project_id_cached(issue_id)
    choice = match_activity(await project_activities(redmine, project_id), words)
    activity_id = choice.activity.id if choice.activity else None
    return await log_time(
        redmine, TimeLog(issue_id, hours, activity_id, choice.comment, spent_on=spent_on)
    )
