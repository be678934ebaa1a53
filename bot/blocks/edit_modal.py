"""The Edit form of an issue card: status, assignee, priority, due date and % done.

The form is drawn for the person who clicked, from the issue as they read it: the
statuses Redmine's workflow lets them move it to, the project's assignable members, the
active priorities. Each input starts at the issue's value, so a field left alone is not
sent (bot/actions/edit_issue.py compares with the issue as it is on submission).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.blocks.common import OPTIONS_LIMIT, form_view, option, plain
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import (
    checkboxes,
    context_block,
    input_block,
    static_select,
)
from bot.i18n import _
from bot.redmine.models import EnumerationItem, Issue, Ref
from bot.text import escape_mrkdwn

EDIT_ISSUE_VIEW = "issue_edit_modal"

# block_id == action_id for every input, so a form reads `values[id][id]`.
EDIT_STATUS = "edit_status"
EDIT_ASSIGNEE = "edit_assignee"
# Past 100 members: an external select whose options (handlers/options.py) are "Nobody"
# and the members of the project in private_metadata, matching what is typed.
EDIT_ASSIGNEE_SEARCH = "edit_assignee_search"
EDIT_PRIORITY = "edit_priority"
EDIT_DUE_DATE = "edit_due_date"
EDIT_NO_DUE_DATE = "edit_no_due_date"
EDIT_DONE_RATIO = "edit_done_ratio"

NOBODY = "0"  # the assignee option that unassigns the issue
NO_DUE_DATE = "none"
DONE_STEPS = tuple(range(0, 101, 10))  # Redmine's own % done select offers these


@dataclass(frozen=True)
class EditChoices:
    """What the form offers, read as the person who clicked."""

    issue: Issue
    statuses: list[Ref] = field(default_factory=list)  # its own status first
    priorities: list[EnumerationItem] = field(default_factory=list)
    members: list[Ref] = field(default_factory=list)
    # The standard fields the issue's tracker uses (Redmine 5's trackers.json); a field
    # it does not use is left out, since Redmine would drop it. None: Redmine did not say.
    tracker_fields: frozenset[str] | None = None

    def uses(self, field_name: str) -> bool:
        return self.tracker_fields is None or field_name in self.tracker_fields


def optional_input(
    block_id: str, label: str, element: dict[str, Any], *, hint: str | None = None
) -> dict[str, Any]:
    """Every input of the form is optional: a field left alone is not written."""
    return input_block(block_id, label, element, optional=True, hint=hint)


def _with(choices: list[tuple[str, str]], current: Ref | None) -> list[tuple[str, str]]:
    """The choices, with the issue's current value among them even where it is no longer
    offered (a locked assignee, an inactive priority), so the form starts where it is."""
    if current is not None and str(current.id) not in {value for _label, value in choices}:
        return [(current.name, str(current.id)), *choices]
    return choices


def _assignee_input(choices: EditChoices) -> dict[str, Any]:
    current = choices.issue.assigned_to
    members = _with([(m.name, str(m.id)) for m in choices.members], current)
    if len(members) + 1 > OPTIONS_LIMIT:
        # Past 100 options a static select cannot hold them: an external select.
        element: dict[str, Any] = {
            "type": "external_select",
            "action_id": EDIT_ASSIGNEE_SEARCH,
            "placeholder": plain("Type a name"),
            "min_query_length": 0,
        }
        if current is not None:
            element["initial_option"] = option(current.name, str(current.id))
        return optional_input(EDIT_ASSIGNEE_SEARCH, _("Assignee"), element)
    element = static_select(
        EDIT_ASSIGNEE,
        _("Nobody"),
        [(_("Nobody"), NOBODY), *members],
        str(current.id) if current else NOBODY,
    )
    return optional_input(EDIT_ASSIGNEE, _("Assignee"), element)


def _done_choices(done_ratio: int | None) -> list[tuple[str, str]]:
    steps = sorted({*DONE_STEPS, done_ratio or 0})
    return [(f"{step} %", str(step)) for step in steps]


def issue_edit_modal(choices: EditChoices, context: ModalContext) -> dict[str, Any]:
    issue = choices.issue
    statuses = _with([(s.name, str(s.id)) for s in choices.statuses], issue.status)
    priorities = _with([(p.name, str(p.id)) for p in choices.priorities], issue.priority)
    due: dict[str, Any] = {"type": "datepicker", "action_id": EDIT_DUE_DATE}
    if issue.due_date:
        due["initial_date"] = issue.due_date.isoformat()
    blocks: list[dict[str, Any]] = [
        # The subject is someone's text: shown, never read as a link or a mention.
        context_block(f"#{issue.id} {escape_mrkdwn(issue.subject)}"),
        optional_input(
            EDIT_STATUS,
            _("Status"),
            static_select(
                EDIT_STATUS, _("Status"), statuses, str(issue.status.id) if issue.status else None
            ),
            hint=_("The statuses Redmine's workflow lets you move this issue to."),
        ),
    ]
    if choices.uses("assigned_to_id"):
        blocks.append(_assignee_input(choices))
    blocks.append(
        optional_input(
            EDIT_PRIORITY,
            _("Priority"),
            static_select(
                EDIT_PRIORITY,
                _("Priority"),
                priorities,
                str(issue.priority.id) if issue.priority else None,
            ),
        )
    )
    if choices.uses("due_date"):
        blocks.append(optional_input(EDIT_DUE_DATE, _("Due date"), due))
        if issue.due_date:  # a datepicker cannot be emptied once a date is set
            blocks.append(
                optional_input(
                    EDIT_NO_DUE_DATE,
                    _("No due date"),
                    checkboxes(EDIT_NO_DUE_DATE, [(_("Remove the due date"), NO_DUE_DATE)], set()),
                )
            )
    if choices.uses("done_ratio"):
        blocks.append(
            optional_input(
                EDIT_DONE_RATIO,
                _("% done"),
                static_select(
                    EDIT_DONE_RATIO,
                    _("% done"),
                    _done_choices(issue.done_ratio),
                    str(issue.done_ratio or 0),
                ),
            )
        )
    return form_view(
        EDIT_ISSUE_VIEW, _("Edit #{id}", id=issue.id), _("Save"), context.encode(), blocks
    )
