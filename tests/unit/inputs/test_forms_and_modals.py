"""The shortcut forms' readers and builders: typed values, field errors, Block Kit limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.actions.attach_files import human_size, readable_refusal
from bot.blocks import modals
from bot.blocks.common import OPTIONS_LIMIT
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import IssueFormState
from bot.domain.issue_fields import IssueFields
from bot.inputs.forms import IssueForm, NoteForm, TimeForm, read_issue_target
from bot.redmine.models import CustomField, EnumerationItem, Project, Ref

CONTEXT = ModalContext(channel_id="C1", message_ts="1.1", thread_ts="1.0", in_thread=True)


def _view(values: dict[str, Any], *, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "private_metadata": CONTEXT.encode(),
        "state": {"values": values},
        "blocks": blocks or [],
    }


def _text(block: str, value: str | None) -> dict[str, Any]:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def _select(block: str, value: str | None) -> dict[str, Any]:
    chosen = {"text": {"type": "plain_text", "text": "x"}, "value": value} if value else None
    return {block: {block: {"selected_option": chosen}}}


def test_issue_target_typed_wins_and_accepts_hash() -> None:
    assert read_issue_target(_view({**_text("issue", "#42"), **_select("issue_pick", "7")})) == (
        42,
        None,
    )
    assert read_issue_target(_view({**_text("issue", None), **_select("issue_pick", "7")})) == (
        7,
        None,
    )
    assert (
        read_issue_target(_view({}))[1] == "Type the issue's number, or choose one of your issues."
    )
    assert read_issue_target(_view(_text("issue", "4 2")))[0] is None


def test_note_form_reads_the_private_flag() -> None:
    values = {
        **_text("issue", "12"),
        **_text("note", " words "),
        "private": {"private": {"selected_options": [{"value": "private_note"}]}},
    }
    form = NoteForm.from_view(_view(values))
    assert (form.issue_id, form.note, form.private, form.context) == (12, "words", True, CONTEXT)
    assert form.errors() == {}


def test_time_form_parses_hours_and_date_and_reports_each_field() -> None:
    values = {
        **_text("issue", "12"),
        **_text("hours", "1h 30min"),
        **_select("activity", "9"),
        "spent_on": {"spent_on": {"selected_date": "2026-01-15"}},
        **_text("comment", "c"),
    }
    form = TimeForm.from_view(_view(values))
    assert (form.hours, form.activity_id, form.spent_on) == (Decimal("1.50"), 9, date(2026, 1, 15))
    assert form.errors() == {}
    bad = TimeForm.from_view(_view({**_text("hours", "lots"), **_text("comment", "x" * 1025)}))
    assert set(bad.errors()) == {"issue", "hours", "activity", "spent_on", "comment"}


def test_issue_form_reads_custom_fields_from_the_blocks_even_when_left_empty() -> None:
    blocks = [
        {"type": "input", "block_id": "cf_5", "label": {"type": "plain_text", "text": "Customer"}}
    ]
    values = {
        **_select("issue_project", "3"),
        **_text("subject", "S"),
        **_select("category", "4"),
        "from_message": {"from_message": {"selected_options": [{"value": "thread"}]}},
    }
    form = IssueForm.from_view(_view(values, blocks=blocks))
    assert form.errors() == {"cf_5": "Customer is required in this project."}
    assert form.include_thread and not form.attach_message_files
    filled = IssueForm.from_view(_view({**values, **_text("cf_5", "ACME")}, blocks=blocks))
    assert filled.errors() == {}
    assert filled.fields() == {"category_id": 4, "custom_fields": [{"id": 5, "value": "ACME"}]}


def _fields(members: int, required: list[CustomField] | None = None) -> IssueFields:
    project = Project(
        id=3,
        name="Alpha",
        identifier="alpha",
        trackers=[Ref(id=1, name="Bug"), Ref(id=2, name="Feature")],
        issue_categories=[Ref(id=4, name="Backend")],
    )
    return IssueFields(
        project=project,
        tracker_id=2,
        priorities=[
            EnumerationItem(id=1, name="Low"),
            EnumerationItem(id=2, name="Normal", is_default=True),
        ],
        members=[Ref(id=i, name=f"Person {i}") for i in range(members)],
        required=required or [],
    )


def test_issue_modal_is_within_limits_and_switches_to_an_external_assignee_select() -> None:
    state = IssueFormState(project=("Alpha", "3"), subject="s" * 300, description="d" * 4000)
    view = modals.issue_modal(CONTEXT, state, fields=_fields(150), file_count=2)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert len(view["title"]["text"]) <= 24
    assert len(by_id["subject"]["element"]["initial_value"]) == 255
    assert len(by_id["description"]["element"]["initial_value"]) == 3000
    assert by_id["issue_tracker.p3"]["element"]["initial_option"]["value"] == "2"
    assert by_id["priority.p3"]["element"]["initial_option"]["value"] == "2"
    assert "assignee.p3" not in by_id
    assert by_id["issue_assignee.p3"]["element"]["type"] == "external_select"
    assert [o["value"] for o in by_id["from_message"]["element"]["options"]] == ["thread", "files"]
    few = modals.issue_modal(CONTEXT, state, fields=_fields(120 - 30))
    options = {b.get("block_id"): b for b in few["blocks"]}["assignee.p3"]["element"]["options"]
    assert len(options) == 90 <= OPTIONS_LIMIT


def test_required_list_field_becomes_a_select() -> None:
    listed = CustomField(
        id=8,
        name="Severity",
        field_format="list",
        is_required=True,
        possible_values=[{"value": "minor"}, {"value": "major", "label": "Major"}],
    )
    view = modals.issue_modal(CONTEXT, IssueFormState(), fields=_fields(1, [listed]))
    block = next(b for b in view["blocks"] if b.get("block_id") == "cf_8.p3")
    assert block["element"]["type"] == "static_select" and block["optional"] is False
    assert [o["text"]["text"] for o in block["element"]["options"]] == ["minor", "Major"]


def test_sizes_in_refusals_are_made_readable() -> None:
    assert (
        human_size(5242880) == "5 MB"
        and human_size(1536) == "1.5 KB"
        and human_size(10) == "10 Bytes"
    )
    assert readable_refusal("exceeds the maximum allowed file size (104857600)") == (
        "exceeds the maximum allowed file size (100 MB)"
    )
    assert readable_refusal("other (12)") == "other (12)"
