"""A flexpane edit read into the card Edit form's type.

Shape: the `work-object-edit` view_submission (docs.slack.dev/messaging/
work-objects-overview): `view.external_ref` names the entity and each field's input is
under its key with action id `<key>.input`, as Slack's bolt-js Work Objects sample reads
`view.state.values.status["status.input"].selected_option`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.inputs.entity_edits import EntityEdit


def view(values: dict[str, Any], ref: Any = None) -> dict[str, Any]:
    return {
        "type": "entity_detail",
        "callback_id": "work-object-edit",
        "external_ref": {"id": "42", "type": "issue"} if ref is None else ref,
        "state": {"values": values},
    }


def select(key: str, value: str) -> dict[str, Any]:
    return {key: {f"{key}.input": {"type": "static_select", "selected_option": {"value": value}}}}


def test_status_assignee_and_due_date_are_read_as_the_edit_form_reads_them() -> None:
    edit = EntityEdit.from_view(
        view(
            {
                **select("status", "2"),
                **select("assignee", "0"),
                "due_date": {
                    "due_date.input": {"type": "datepicker", "selected_date": "2031-01-31"}
                },
            }
        )
    )
    assert edit.issue_id == 42
    form = edit.form
    assert (form.status_id, form.assignee_id, form.due_date) == (2, 0, date(2031, 1, 31))
    assert form.no_due_date is False and form.priority_id is None and form.done_ratio is None


def test_a_cleared_due_date_means_none_and_absent_fields_mean_unchanged() -> None:
    form = EntityEdit.from_view(
        view({"due_date": {"due_date.input": {"type": "datepicker", "selected_date": None}}})
    ).form
    assert form.no_due_date is True and form.due_date is None
    assert form.status_id is None and form.assignee_id is None
    assert EntityEdit.from_view(view({})).form.no_due_date is False


def test_values_slack_would_never_send_read_as_no_choice() -> None:
    form = EntityEdit.from_view(
        view(
            {
                **select("status", "²"),
                "due_date": {"due_date.input": {"selected_date": "31/01/2031"}},
                "assignee": "nonsense",
            }
        )
    ).form
    assert (form.status_id, form.assignee_id, form.due_date) == (None, None, None)


def test_an_entity_that_is_not_an_issue_is_not_ours() -> None:
    assert EntityEdit.from_view(view({}, ref={"id": "abc"})).issue_id is None
    assert EntityEdit.from_view({}).issue_id is None
