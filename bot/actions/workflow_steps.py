"""Workflow Builder steps: create an issue, add a note, log time, as the person a workflow names.

Each step reaches the same actions as the slash command and the forms (create_issue,
add_note, log_time) through the person's own Redmine view, never the admin's. Every name
a workflow author typed (project, tracker, priority, activity, the assignee) is resolved
and checked before the one write, so a refused step leaves nothing half-written; every
refusal is a sentence the author can act on, ending in what happened in Redmine.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from bot.actions.add_note import add_slack_note, note_journal_id
from bot.actions.create_issue import create_issue
from bot.actions.errors import UserFacingError
from bot.actions.issue_form import project_for_issues, visible_issue
from bot.actions.log_time import (
    NoActivity,
    TimeLog,
    TimeLogged,
    chosen_activity,
    log_time,
    project_activities,
)
from bot.actions.permissions import SET_NOTES_PRIVATE, may
from bot.actions.projects import find_project
from bot.config import TextFormatting
from bot.i18n import N_, _
from bot.inputs.steps import (
    ACTIVITY,
    ASSIGNEE,
    INPUT_TITLES,
    PERSON,
    PRIVATE,
    CreateIssueStep,
    NoteStep,
    TimeStep,
)
from bot.people.identity import Identity, IdentityResolver, NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import (
    ForbiddenError,
    NotFoundError,
    RedmineError,
    ValidationError,
    user_message,
)
from bot.redmine.models import EnumerationItem, Issue, Ref
from bot.text import slack_to_redmine

# Each refusal is one whole sentence for translators; `{input}` is a step input's title
# as Workflow Builder shows it (bot.inputs.steps.INPUT_TITLES).
NOTHING_WRITTEN = N_("{reason} Nothing was written in Redmine.")
UNKNOWN_PERSON = N_(
    "This step acts in Redmine as <@{user}>, and I can't act for them: {reason} "
    "Or point the step's “{input}” input at someone else. Nothing was written in Redmine."
)
UNKNOWN_ASSIGNEE = N_(
    "The step's “{input}”, <@{user}>, has no Redmine account I can find, so the issue "
    "cannot be assigned to them. Nothing was written in Redmine."
)
T = TypeVar("T")
UNKNOWN_TRACKER = N_(
    "{project} has no tracker “{name}”. Its trackers: {known}. Nothing was written in Redmine."
)
UNKNOWN_PRIORITY = N_(
    "Redmine has no priority “{name}”. Its priorities: {known}. Nothing was written in Redmine."
)
UNKNOWN_ACTIVITY = N_(
    "{project} has no activity “{name}”. Its activities: {known}. Nothing was written in Redmine."
)


async def acting_as(identity: IdentityResolver, slack_user_id: str) -> tuple[Identity, Redmine]:
    """The person the step names and their Redmine view; a sentence for the author if none."""
    try:
        person = await identity.resolve(slack_user_id)
    except NotLinked as error:
        raise UserFacingError(
            _(UNKNOWN_PERSON, user=slack_user_id, reason=error.message, input=INPUT_TITLES[PERSON])
        ) from None
    return person, identity.redmine_for(person)


async def _before_writing(work: Awaitable[T]) -> T:
    """A look-up the step needs before its write, or the write itself: a refusal (ours, or
    Redmine's 403/404/422, which write nothing) says that nothing was written."""
    try:
        return await work
    except UserFacingError as error:
        raise UserFacingError(_(NOTHING_WRITTEN, reason=error.message)) from None
    except (ForbiddenError, NotFoundError, ValidationError) as error:
        raise UserFacingError(_(NOTHING_WRITTEN, reason=user_message(error))) from None


def _named(items: list[Ref] | list[EnumerationItem], name: str) -> Ref | EnumerationItem | None:
    wanted = name.strip().lower()
    return next((item for item in items if item.name.lower() == wanted), None)


def _unknown(sentence: str, name: str, items: list[str], project: str = "") -> UserFacingError:
    """`sentence` (UNKNOWN_TRACKER, ...) naming what the step asked for and what there is."""
    known = ", ".join(f"“{n}”" for n in items[:15]) or _("none")
    return UserFacingError(_(sentence, project=project, name=name, known=known))


async def create_issue_step(
    redmine: Redmine,
    identity: IdentityResolver,
    step: CreateIssueStep,
    formatting: TextFormatting,
) -> Issue:
    """Resolve every name the step was given, then create the issue as the person."""
    found = await _before_writing(find_project(redmine, step.project))
    project = await project_for_issues(redmine, found.id)
    fields: dict[str, object] = {}
    if step.tracker:
        tracker = _named(project.trackers, step.tracker)
        if tracker is None:
            names = [t.name for t in project.trackers]
            raise _unknown(UNKNOWN_TRACKER, step.tracker, names, project.name)
        fields["tracker_id"] = tracker.id
    if step.priority:
        priorities = [p for p in await redmine.enumerations.priorities() if p.active]
        priority = _named(priorities, step.priority)
        if priority is None:
            names = [p.name for p in priorities]
            raise _unknown(UNKNOWN_PRIORITY, step.priority, names)
        fields["priority_id"] = priority.id
    if step.assignee:
        try:
            fields["assigned_to_id"] = (await identity.resolve(step.assignee)).redmine_user_id
        except NotLinked:
            raise UserFacingError(
                _(UNKNOWN_ASSIGNEE, user=step.assignee, input=INPUT_TITLES[ASSIGNEE])
            ) from None
    if step.description:
        fields["description"] = slack_to_redmine(step.description, formatting)
    if step.due_date:
        fields["due_date"] = step.due_date.isoformat()
    return await _before_writing(create_issue(redmine, project, step.subject, **fields))


@dataclass(frozen=True)
class NoteAdded:
    issue: Issue
    journal_id: int | None  # None when the note could not be found again after writing


async def add_note_step(
    redmine: Redmine, redmine_user_id: int, step: NoteStep, formatting: TextFormatting
) -> NoteAdded:
    """The note on the issue as the person; a private one only where their role may."""
    issue = await _before_writing(visible_issue(redmine, step.issue_id))
    if step.private and not await may(redmine, issue.project.id, SET_NOTES_PRIVATE):
        # Redmine would drop the flag and publish the note (bot.actions.permissions).
        raise UserFacingError(
            _(
                "Your role in {project} may not write private notes, and Redmine would save "
                "this note for everyone to read. Untick the step's “{input}” input to add it "
                "for everyone. Nothing was written in Redmine.",
                project=issue.project.name,
                input=INPUT_TITLES[PRIVATE],
            )
        )
    note = await _before_writing(
        add_slack_note(
            redmine, issue.id, step.text, formatting=formatting, names={}, private=step.private
        )
    )
    try:
        journal_id = await note_journal_id(redmine, issue.id, redmine_user_id, note)
    except RedmineError:  # written: only its link is lost, so the step still succeeds
        journal_id = None
    return NoteAdded(issue, journal_id)


async def log_time_step(redmine: Redmine, step: TimeStep) -> tuple[Issue, TimeLogged]:
    """The time entry as the person, once the issue and the activity are known to do."""
    issue = await _before_writing(visible_issue(redmine, step.issue_id))
    activities = await project_activities(redmine, issue.project.id)
    activity_id = None
    if step.activity:
        activity = _named(activities, step.activity)
        if activity is None:
            names = [a.name for a in activities]
            raise _unknown(UNKNOWN_ACTIVITY, step.activity, names, issue.project.name)
        activity_id = activity.id
    log = TimeLog(issue.id, step.hours, activity_id, step.comment, spent_on=step.spent_on)
    try:
        chosen_activity(activities, log)
    except NoActivity:
        if not activities:
            raise UserFacingError(
                _(
                    "The step needs an activity, but {project} has no active one in Redmine: "
                    "ask a Redmine administrator to activate one. Nothing was written in "
                    "Redmine.",
                    project=issue.project.name,
                )
            ) from None
        raise UserFacingError(
            _(
                "The step needs an activity: Redmine has no default one in {project}. Set "
                "the step's “{input}” input to one of {choices}. Nothing was written in "
                "Redmine.",
                project=issue.project.name,
                input=INPUT_TITLES[ACTIVITY],
                choices=", ".join(f"“{a.name}”" for a in activities),
            )
        ) from None
    return issue, await _before_writing(log_time(redmine, log))
