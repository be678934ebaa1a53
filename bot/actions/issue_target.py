"""The issue a message-shortcut form names, checked before the ack as the person.

Redmine is not asked when the issue field already failed its own checks; a problem
becomes the issue field's error, so the person fixes it in the form they are in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.actions.issue_form import visible_issue
from bot.actions.log_time import project_activities
from bot.actions.permissions import SET_NOTES_PRIVATE, may
from bot.blocks import modals
from bot.i18n import _
from bot.people.identity import NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError, RedmineError
from bot.redmine.models import EnumerationItem, Issue

OpenRedmine = Callable[[], Awaitable[Redmine]]


@dataclass(frozen=True)
class Target:
    issue: Issue
    redmine: Redmine  # the person's own view, which found the issue


async def check_target(
    open_redmine: OpenRedmine,
    issue_id: int | None,
    errors: dict[str, str],
    budget: AckBudget,
    *,
    on_impersonation_failure: Callable[[], None],
) -> Target | None:
    """The issue as the person sees it, or None with the reason added to `errors`."""
    if issue_id is None or modals.ISSUE in errors:
        return None
    try:
        redmine = await budget.run(open_redmine())
        return Target(await budget.run(visible_issue(redmine, issue_id)), redmine)
    except (NotLinked, UserFacingError) as error:
        errors[modals.ISSUE] = error.message
    except TimeoutError:
        errors[modals.ISSUE] = _(REDMINE_SLOW)
    except RedmineError as error:
        if isinstance(error, ImpersonationError):
            on_impersonation_failure()  # the account may have been locked meanwhile
        errors[modals.ISSUE] = describe(error)
    return None


async def check_activity(
    target: Target, activity_id: int | None, errors: dict[str, str], budget: AckBudget
) -> EnumerationItem | None:
    """The chosen activity if the issue's project uses it; else an error on the field.

    When Redmine is slow or refuses the list, Redmine judges the activity on the write.
    """
    if activity_id is None:
        return None
    try:
        activities = await budget.run(project_activities(target.redmine, target.issue.project.id))
    except (TimeoutError, RedmineError):
        return None
    activity = next((a for a in activities if a.id == activity_id), None)
    if activities and activity is None:
        errors[modals.ACTIVITY] = _(
            "That activity is not used in {project}; choose another.",
            project=target.issue.project.name,
        )
    return activity


async def private_notes_refused(redmine: Redmine, issue_id: int) -> str:
    """Why the person may not write private notes on the issue; "" where they may."""
    issue = await visible_issue(redmine, issue_id)
    if await may(redmine, issue.project.id, SET_NOTES_PRIVATE):
        return ""
    return _(
        "Your role in {project} may not write private notes: this note will be read by "
        "everyone who can see #{id}.",
        project=issue.project.name,
        id=issue.id,
    )


async def check_private_note(target: Target, errors: dict[str, str], budget: AckBudget) -> None:
    """An error on the private checkbox unless the person may write private notes in the
    issue's project: Redmine would drop the flag and answer 204, publishing the note.
    When Redmine cannot say in time, the note is held back too: a note is never made
    public by not knowing."""
    project = target.issue.project
    try:
        allowed = await budget.run(may(target.redmine, project.id, SET_NOTES_PRIVATE))
    except (TimeoutError, RedmineError):
        errors[modals.PRIVATE] = _(REDMINE_SLOW)
        return
    if not allowed:
        errors[modals.PRIVATE] = _(
            "Your role in {project} may not write private notes, and Redmine would save this "
            "one for everyone to read. Untick it to add the note for everyone.",
            project=project.name,
        )
