"""A flexpane edit (`view_submission` of a Work Object) read into the card Edit form's type.

Slack sends it with callback id `work-object-edit` and a view of type `entity_detail`
naming the entity (`view.external_ref`, `view.entity_url`); each edited field's input sits
under its field key with action id `<key>.input` (docs.slack.dev/messaging/
work-objects-overview, "Slack SDKs"; docs.slack.dev/messaging/work-objects-implementation,
editing). So the same EditForm as the card's Edit form comes out, and the same checks and
write follow (bot.actions.edit_issue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks.entities import ASSIGNEE, DUE_DATE, STATUS, edit_input, issue_ref_id
from bot.blocks.metadata import ModalContext
from bot.inputs.forms import EditForm
from bot.inputs.grammar import ascii_int


def _state(view: dict[str, Any], key: str) -> dict[str, Any] | None:
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(key)
    if not isinstance(block, dict):
        return None
    element = block.get(edit_input(key))
    return element if isinstance(element, dict) else None


def _chosen(view: dict[str, Any], key: str) -> int | None:
    element = _state(view, key) or {}
    value = (element.get("selected_option") or {}).get("value")
    return ascii_int(str(value)) if value is not None else None


@dataclass(frozen=True)
class EntityEdit:
    issue_id: int | None  # None: not one of this app's entities
    form: EditForm

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> EntityEdit:
        due = _state(view, DUE_DATE)
        picked = (due or {}).get("selected_date")
        try:
            due_date = date.fromisoformat(str(picked)) if picked else None
        except ValueError:
            due_date = None
        form = EditForm(
            context=ModalContext(),
            status_id=_chosen(view, STATUS),
            assignee_id=_chosen(view, ASSIGNEE),
            priority_id=None,
            due_date=due_date,
            # The due date's input was sent empty: the person cleared it.
            no_due_date=due is not None and not picked,
            done_ratio=None,
        )
        return cls(issue_ref_id(view.get("external_ref")), form)
