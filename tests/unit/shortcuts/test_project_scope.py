"""Inputs that depend on the project carry it in their block_id, so Slack's views.update
(which keeps entered values for unchanged block_id + action_id) cannot carry an old
project's choice into a submission."""

from __future__ import annotations

from typing import Any

from bot.blocks import modals
from bot.blocks.metadata import ModalContext
from bot.forms import PROJECT_CATCHING_UP, CreateIssueForm, MessageIssueForm


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


def test_create_modal_scopes_tracker_and_assignee_to_the_chosen_project() -> None:
    blank = modals.create_issue_modal(ModalContext(channel_id="C1"))
    assert [b["block_id"] for b in blank["blocks"]][:2] == ["project", "tracker"]
    chosen = modals.create_issue_modal(
        ModalContext(channel_id="C1", project_id=7), project=("Alpha", "7"), subject="Hi"
    )
    ids = [b["block_id"] for b in chosen["blocks"]]
    assert ids == ["project", "tracker.p7", "subject", "description", "priority", "assignee.p7"]
    assert chosen["blocks"][0]["dispatch_action"] is True
    assert chosen["blocks"][0]["element"]["initial_option"]["value"] == "7"
    assert ModalContext.decode(chosen["private_metadata"]).project_id == 7


def test_only_the_inputs_of_the_project_the_form_was_built_for_are_read() -> None:
    view = _view(
        '{"channel_id":"C1","project_id":7}',
        {
            "project": _chosen("7"),
            "tracker.p7": _chosen("2"),
            "assignee.p5": _chosen("9"),  # built for another project: never read
            "subject": {"type": "plain_text_input", "value": "Printer jams"},
        },
    )
    form = CreateIssueForm.from_view(view)
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
    form = MessageIssueForm.from_view(view)
    assert form.errors() == {"issue_project": PROJECT_CATCHING_UP}


def test_errors_are_keyed_by_the_block_ids_the_view_has() -> None:
    view = _view('{"project_id":7}', {"cf_3.p7": {"type": "plain_text_input", "value": ""}})
    form = MessageIssueForm.from_view(view)
    errors = form.errors()
    assert "cf_3" in errors
    assert set(modals.scoped_errors(errors, view)) == {"issue_project", "subject", "cf_3.p7"}
