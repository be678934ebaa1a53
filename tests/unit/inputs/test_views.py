"""A view from a payload is reduced to the shape the form readers rely on."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks import modals
from bot.inputs.forms import AttachForm, IssueForm, block_labels, unreadable_files
from bot.inputs.views import readable_view


@pytest.mark.parametrize(
    "view",
    [
        None,
        "view",
        {"state": "x"},
        {"state": {"values": []}},
        {"state": {"values": {"subject": "x"}}},
        {"state": {"values": {"subject": {"subject": "x"}}}},
        {"blocks": {"a": 1}},
        {"blocks": ["x", 7]},
    ],
)
def test_anything_but_slacks_shape_reads_as_an_empty_form(view: Any) -> None:
    readable = readable_view(view)
    assert readable.get("blocks", []) == []
    assert all(block == {} for block in readable.get("state", {}).get("values", {}).values())
    form = IssueForm.from_view(view)
    assert form.subject == "" and form.project_id is None


def test_a_block_without_an_id_names_no_field_and_a_bare_label_reads_as_its_id() -> None:
    view = {
        "blocks": [
            {"type": "input", "label": {"type": "plain_text", "text": "No id"}},
            {"type": "input", "block_id": modals.SUBJECT, "label": "Subject"},
            {"type": "input", "block_id": modals.NOTE, "label": {"text": "Note"}},
        ]
    }
    assert block_labels(view) == {modals.SUBJECT: modals.SUBJECT, modals.NOTE: "Note"}


def _attach(files: Any) -> dict[str, Any]:
    return {
        "private_metadata": '{"issue_id":1}',
        "state": {"values": {modals.FILES: {modals.FILES: {"type": "file_input", "files": files}}}},
    }


@pytest.mark.parametrize("size", ["abc", "12", -1, 1.5, True, [], {}])
def test_a_file_size_that_is_no_whole_number_is_a_field_error(size: Any) -> None:
    form = AttachForm.from_view(_attach([{"id": "F1", "name": "a.txt", "size": size}]))
    assert form.files == []
    assert form.errors() == {modals.FILES: unreadable_files(["a.txt"])}


def test_a_file_with_a_size_or_none_is_read() -> None:
    form = AttachForm.from_view(_attach([{"id": "F1", "name": "a.txt", "size": 12}, {"id": "F2"}]))
    assert [(f.id, f.size) for f in form.files] == [("F1", 12), ("F2", None)]
    assert form.errors() == {}


def test_a_file_that_is_no_object_is_a_field_error() -> None:
    form = AttachForm.from_view(_attach(["F1"]))
    assert form.errors() == {modals.FILES: unreadable_files(["a file"])}
