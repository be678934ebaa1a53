"""Inputs that depend on the project carry it in their block_id, so Slack's views.update
(which keeps entered values for unchanged block_id + action_id) cannot carry an old
project's choice into a submission."""

from __future__ import annotations

from typing import Any

from bot.blocks import modals
from bot.inputs.forms import PROJECT_CATCHING_UP, IssueForm


def _chosen(value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def _view(metadata: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "private_metadata": metadata,
        "blocks": [
            {"type": "input", "block_id": k, "label": {"type": "plain_text", "text": k}}
            for k in values
        ],
        "state": {"values": {k: {k.split(".")[0]: v} for k, v in values.items()}},
    }


def test_only_the_inputs_of_the_project_the_form_was_built_for_are_read() -> None:
    view = _view(
        '{"channel_id":"C1","project_id":7}',
        {
            "issue_project": _chosen("7"),
            "issue_tracker.p7": _chosen("2"),
            "assignee.p5": _chosen("9"),  # built for another project: never read
            "subject": {"type": "plain_text_input", "value": "Printer jams"},
        },
    )
    form = IssueForm.from_view(view)
    assert (form.project_id, form.tracker_id, form.assignee_id) == (7, 2, None)
    assert form.errors() == {}


def test_a_project_chosen_after_the_form_was_built_is_not_submitted_with_its_inputs() -> None:
    view = _view(
        '{"project_id":7}',
        {
            "issue_project": _chosen("5"),
            "issue_tracker.p7": _chosen("2"),
            "subject": {"type": "plain_text_input", "value": "x"},
        },
    )
    form = IssueForm.from_view(view)
    assert form.errors() == {"issue_project": PROJECT_CATCHING_UP}


def test_errors_are_keyed_by_the_block_ids_the_view_has() -> None:
    view = _view('{"project_id":7}', {"cf_3.p7": {"type": "plain_text_input", "value": ""}})
    form = IssueForm.from_view(view)
    errors = form.errors()
    assert "cf_3" in errors
    assert set(modals.scoped_errors(errors, view)) == {"issue_project", "subject", "cf_3.p7"}
