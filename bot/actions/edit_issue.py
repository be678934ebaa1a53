"""Edit an issue from its card: status, assignee, priority, due date and % done, as the
person who clicked.

The form is drawn from the issue as the person reads it (`edit_choices`). On submission
the issue is read again (`check_edit`, before Slack gets its ack): if it changed since the
form was drawn nothing is written (`StaleCard`), and a status the workflow refuses is a
field error. Only the fields the person changed are sent (`apply_edit`), and the issue is
read back: Redmine drops a field the person's role may not change and still answers 204
(safe attributes), so what it kept is told, not claimed as done.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.actions.card import SHOWN, current, not_a_status_you_may_set
from bot.actions.choices import assignable_members
from bot.actions.errors import UserFacingError
from bot.actions.issue_form import visible_issue
from bot.blocks.card_actions import CardRef
from bot.blocks.edit_modal import EditChoices
from bot.i18n import N_, _, ngettext
from bot.i18n import current as language
from bot.inputs.forms import EditForm
from bot.redmine import Redmine
from bot.redmine.models import Issue, Ref, Tracker

NOTHING_CHANGED = N_("You left every field of #{id} as it was, so nothing was changed.")


@dataclass(frozen=True)
class Edited:
    issue: Issue  # as Redmine has it after the write
    changed: list[str]  # the labels (LABELS, untranslated) of the fields Redmine took
    kept: list[str]  # the labels of the fields Redmine left as they were


async def edit_choices(redmine: Redmine, issue_id: int) -> EditChoices:
    """The issue and what the person may choose for it, read as them."""
    issue = await visible_issue(redmine, issue_id, include=("allowed_statuses",))
    priorities, members, trackers = await asyncio.gather(
        redmine.enumerations.priorities(),
        assignable_members(redmine, issue.project.id),
        redmine.trackers.all(),
    )
    here = [issue.status] if issue.status else []
    others = [s for s in issue.allowed_statuses if not issue.status or s.id != issue.status.id]
    return EditChoices(
        issue=issue,
        statuses=[*here, *others],
        priorities=[p for p in priorities if p.active],
        members=members,
        tracker_fields=tracker_fields(trackers, issue),
    )


def tracker_fields(trackers: list[Tracker], issue: Issue) -> frozenset[str] | None:
    """The standard fields the issue's tracker uses; None where Redmine does not say
    (before 5.0, trackers.json had no `enabled_standard_fields`)."""
    tracker = next((t for t in trackers if issue.tracker and t.id == issue.tracker.id), None)
    if tracker is None or "enabled_standard_fields" not in tracker.model_fields_set:
        return None
    return frozenset(tracker.enabled_standard_fields)


def _id(ref: Ref | None) -> int | None:
    return ref.id if ref else None


def wanted_fields(issue: Issue, form: EditForm) -> dict[str, Any]:
    """Redmine's fields for what the person changed: nothing they left as it was."""
    fields: dict[str, Any] = {}
    if form.status_id is not None and form.status_id != _id(issue.status):
        fields["status_id"] = form.status_id
    if form.assignee_id is not None and (form.assignee_id or None) != _id(issue.assigned_to):
        # Redmine reads an empty assignee as "nobody" (its own form sends "").
        fields["assigned_to_id"] = form.assignee_id or ""
    if form.priority_id is not None and form.priority_id != _id(issue.priority):
        fields["priority_id"] = form.priority_id
    if form.no_due_date and issue.due_date is not None:
        fields["due_date"] = ""
    elif form.due_date is not None and form.due_date != issue.due_date:
        fields["due_date"] = form.due_date.isoformat()
    if form.done_ratio is not None and form.done_ratio != (issue.done_ratio or 0):
        fields["done_ratio"] = form.done_ratio
    return fields


# The fields as a sentence names them; translated where the sentence is said.
LABELS = {
    "status_id": N_("status"),
    "assigned_to_id": N_("assignee"),
    "priority_id": N_("priority"),
    "due_date": N_("due date"),
    "done_ratio": N_("% done"),
}


def _now_has(issue: Issue, name: str, value: Any) -> bool:
    if name == "status_id":
        return bool(_id(issue.status) == value)
    if name == "assigned_to_id":
        return _id(issue.assigned_to) == (value or None)
    if name == "priority_id":
        return bool(_id(issue.priority) == value)
    if name == "due_date":
        return issue.due_date == (date.fromisoformat(value) if value else None)
    return bool((issue.done_ratio or 0) == value)


async def check_edit(redmine: Redmine, ref: CardRef, form: EditForm) -> dict[str, Any]:
    """The fields to write, checked against the issue as it is now: StaleCard if it
    changed since the form was drawn, UserFacingError for a status the workflow refuses."""
    issue = await current(redmine, ref, include=("allowed_statuses",))
    fields = wanted_fields(issue, form)
    allowed = {status.id for status in issue.allowed_statuses}
    if "status_id" in fields and fields["status_id"] not in allowed:
        raise not_a_status_you_may_set(issue)
    return fields


async def apply_edit(redmine: Redmine, issue_id: int, fields: dict[str, Any]) -> Edited:
    if not fields:
        raise UserFacingError(_(NOTHING_CHANGED, id=issue_id))
    await redmine.issues.update(issue_id, **fields)
    issue = await redmine.issues.get(issue_id, include=SHOWN)
    taken = [name for name, value in fields.items() if _now_has(issue, name, value)]
    kept = [LABELS[name] for name in fields if name not in taken]
    return Edited(issue, [LABELS[name] for name in taken], kept)


def _fields(labels: list[str]) -> str:
    """Field labels in the reader's language, listed their way ("status and priority")."""
    return language().format_list([_(label) for label in labels])


def kept_sentence(edited: Edited) -> str | None:
    """One sentence about the fields Redmine did not take, if any. Redmine drops a field
    for any of three reasons it does not tell apart: the person's role, the workflow's
    read-only fields for their role and this status, or a field the tracker does not use."""
    if not edited.kept:
        return None
    issue = edited.issue
    words = {"kept": _fields(edited.kept), "issue": issue.id, "project": issue.project.name}
    if issue.tracker:
        words["tracker"] = issue.tracker.name
    if not edited.changed:
        if issue.tracker:
            return _(
                "Redmine did not let you change the {kept} of #{issue}: your role in "
                "{project}, its workflow or the {tracker} tracker does not allow it. "
                "Nothing was changed.",
                **words,
            )
        return _(
            "Redmine did not let you change the {kept} of #{issue}: your role in {project} "
            "or its workflow does not allow it. Nothing was changed.",
            **words,
        )
    words["changed"] = _fields(edited.changed)
    if issue.tracker:
        return ngettext(
            "Redmine changed the {changed} of #{issue} but kept its {kept}: your role in "
            "{project}, its workflow or the {tracker} tracker does not allow changing it.",
            "Redmine changed the {changed} of #{issue} but kept its {kept}: your role in "
            "{project}, its workflow or the {tracker} tracker does not allow changing them.",
            len(edited.kept),
            **words,
        )
    return ngettext(
        "Redmine changed the {changed} of #{issue} but kept its {kept}: your role in "
        "{project} or its workflow does not allow changing it.",
        "Redmine changed the {changed} of #{issue} but kept its {kept}: your role in "
        "{project} or its workflow does not allow changing them.",
        len(edited.kept),
        **words,
    )
