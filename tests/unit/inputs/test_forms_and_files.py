from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.metadata import ModalContext
from bot.inputs.forms import AttachForm, ConnectForm, IssueForm
from bot.slack.web.files import token_may_go_to


def _view(values: dict[str, Any], metadata: str = "") -> dict[str, Any]:
    return {"private_metadata": metadata, "state": {"values": values}}


def test_the_new_issue_form_reads_every_field() -> None:
    view = _view(
        {
            "issue_project": {"issue_project": {"selected_option": {"value": "3"}}},
            "issue_tracker.p3": {"issue_tracker": {"selected_option": None}},
            "subject": {"subject": {"value": "  Broken  "}},
            "description": {"description": {"value": "details"}},
            "priority.p3": {"priority": {"selected_option": {"value": "4"}}},
            "assignee.p3": {"assignee": {"selected_option": {"value": "7"}}},
        },
        ModalContext(channel_id="C1", project_id=3).encode(),
    )
    form = IssueForm.from_view(view)
    assert form.errors() == {}
    assert form.context.channel_id == "C1"
    assert (form.project_id, form.subject) == (3, "Broken")
    assert form.fields() == {"description": "details", "priority_id": 4, "assigned_to_id": 7}


def test_the_new_issue_form_errors() -> None:
    form = IssueForm.from_view(_view({"subject": {"subject": {"value": "x" * 256}}}))
    assert form.errors() == {
        "issue_project": "Choose the project the issue belongs to.",
        "subject": "Redmine takes at most 255 characters; this is 256.",
    }


@pytest.mark.parametrize("key", ["", "abc", "g" * 40, "a" * 39])
def test_connect_form_rejects_what_is_not_a_key(key: str) -> None:
    assert (
        "api_key" in ConnectForm.from_view(_view({"api_key": {"api_key": {"value": key}}})).errors()
    )


def test_connect_form_accepts_a_key() -> None:
    assert (
        ConnectForm.from_view(_view({"api_key": {"api_key": {"value": "a1" * 20}}})).errors() == {}
    )


def test_attach_form_needs_files_and_its_issue() -> None:
    no_issue = AttachForm.from_view(_view({}))
    assert "lost track" in no_issue.errors()["files"]
    no_files = AttachForm.from_view(_view({}, ModalContext(issue_id=5).encode()))
    assert no_files.errors() == {"files": "Add at least one file."}


def test_modal_context_round_trip_and_garbage() -> None:
    context = ModalContext(channel_id="C1", issue_id=4, message_ts="1.2", thread_ts="1.1")
    assert ModalContext.decode(context.encode()) == context
    assert ModalContext.decode("not json") == ModalContext()
    assert ModalContext.decode("[1]") == ModalContext()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/a.txt", True),
        ("https://files-edu.slack-files.com/x", True),
        ("http://files.slack.com/x", False),  # never over plain http
        ("https://files.slack.com.evil.example/x", False),
        ("https://evil.example/files.slack.com", False),
        ("http://127.0.0.1:9999/files/F1/a.txt", True),  # the SLACK_API_URL host (tests, proxies)
        ("http://127.0.0.1:9998/files/F1/a.txt", False),
    ],
)
def test_bot_token_only_to_slack_or_the_api_host(url: str, allowed: bool) -> None:
    assert token_may_go_to(url, "http://127.0.0.1:9999/api/") is allowed
