"""Logging time: hours as Redmine reads them, the activity matched by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.actions.errors import UserFacingError
from bot.actions.issue_form import project_activities
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.models import EnumerationItem, TimeEntry

# Issues rarely change project; remembering which project an issue is in lets a warm
# `log` make a single request (the time entry itself).
ISSUE_PROJECT_TTL = 600.0


@dataclass(frozen=True)
class ActivityChoice:
    activity: EnumerationItem | None
    comment: str


class NoActivity(UserFacingError):
    """No activity given and none is Redmine's default: answer with the choices."""

    def __init__(self, choices: list[EnumerationItem]) -> None:
        names = ", ".join(f"`{a.name.lower()}`" for a in choices) or "none are active"
        super().__init__(
            f"Which activity? Redmine has no default. Put one after the hours, e.g. "
            f"`/redmine log 42 1h30 {choices[0].name.lower() if choices else 'development'}`. "
            f"Choices: {names}."
        )
        self.choices = choices


def match_activity(activities: list[EnumerationItem], rest: str) -> ActivityChoice:
    """The activity named at the start of `rest` (whole name, or an unambiguous prefix).

    Longest whole names first, so "Quality assurance" wins over "Quality". When the first
    word matches nothing, all of `rest` is the comment.
    """
    text = rest.strip()
    lowered = text.lower()
    for activity in sorted(activities, key=lambda a: len(a.name), reverse=True):
        name = activity.name.lower()
        if lowered == name or lowered.startswith(name + " "):
            return ActivityChoice(activity, text[len(name) :].strip())
    first, _, comment = text.partition(" ")
    if first:
        prefixed = [a for a in activities if a.name.lower().startswith(first.lower())]
        if len(prefixed) == 1:
            return ActivityChoice(prefixed[0], comment.strip())
        if len(prefixed) > 1:
            names = ", ".join(f"`{a.name.lower()}`" for a in prefixed)
            raise UserFacingError(f"`{first}` could be {names}. Type more of the activity's name.")
    return ActivityChoice(None, text)


class TimeLogger:
    def __init__(self) -> None:
        self._issue_projects = TTLCache(ISSUE_PROJECT_TTL)

    async def issue_project_id(self, redmine: Redmine, issue_id: int) -> int:
        async def load() -> int:
            return (await redmine.issues.get(issue_id)).project.id

        key = (redmine.acting_as, issue_id)
        project_id: int = await self._issue_projects.get_or_load(key, load)
        return project_id

    async def log(
        self,
        redmine: Redmine,
        issue_id: int,
        hours: Decimal,
        rest: str,
        *,
        spent_on: date | None = None,
    ) -> tuple[TimeEntry, EnumerationItem | None]:
        project_id = await self.issue_project_id(redmine, issue_id)
        activities = await project_activities(redmine, project_id)
        choice = match_activity(activities, rest)
        activity = choice.activity
        if activity is None and not any(a.is_default for a in activities):
            raise NoActivity(activities)
        fields: dict[str, object] = {"issue_id": issue_id, "comments": choice.comment[:1024]}
        if activity is not None:
            fields["activity_id"] = activity.id
        if spent_on is not None:
            fields["spent_on"] = spent_on.isoformat()
        entry = await redmine.time_entries.create(hours=str(hours), **fields)
        return entry, activity
