"""Modals: pure builders, and the ids their submissions are read back by."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, mrkdwn, plain, section
from bot.blocks.metadata import ModalContext

CREATE_ISSUE_VIEW = "create_issue_modal"
CONNECT_VIEW = "connect_modal"
ATTACH_VIEW = "attach_modal"

# block_id == action_id for every input, so a form reads `values[id][id]`.
PROJECT = "project"
TRACKER = "tracker"
SUBJECT = "subject"
DESCRIPTION = "description"
PRIORITY = "priority"
ASSIGNEE = "assignee"
API_KEY = "api_key"
FILES = "files"


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def external_select(action_id: str, placeholder: str) -> dict[str, Any]:
    return {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "min_query_length": 0,
    }


def create_issue_modal(
    context: ModalContext, *, subject: str = "", description: str = ""
) -> dict[str, Any]:
    subject_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": SUBJECT,
        "max_length": 255,
    }
    if subject:
        subject_input["initial_value"] = subject[:255]
    description_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": DESCRIPTION,
        "multiline": True,
        "max_length": 3000,
    }
    if description:
        description_input["initial_value"] = description[:3000]
    return {
        "type": "modal",
        "callback_id": CREATE_ISSUE_VIEW,
        "title": plain("New Redmine issue"),
        "submit": plain("Create"),
        "close": plain("Cancel"),
        "private_metadata": context.encode(),
        "blocks": [
            _input(PROJECT, "Project", external_select(PROJECT, "Choose a project")),
            _input(
                TRACKER, "Tracker", external_select(TRACKER, "Project's default"), optional=True
            ),
            _input(SUBJECT, "Subject", subject_input),
            _input(DESCRIPTION, "Description", description_input, optional=True),
            _input(
                PRIORITY, "Priority", external_select(PRIORITY, "Default priority"), optional=True
            ),
            _input(ASSIGNEE, "Assignee", external_select(ASSIGNEE, "Nobody"), optional=True),
        ],
    }


def connect_modal(context: ModalContext) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CONNECT_VIEW,
        "title": plain("Connect Redmine"),
        "submit": plain("Connect"),
        "close": plain("Cancel"),
        "private_metadata": context.encode(),
        "blocks": [
            section(
                "Paste your Redmine API key: in Redmine, open *My account*, then *API access "
                "key* → *Show*. It is checked with Redmine at once."
            ),
            _input(
                API_KEY,
                "API access key",
                {
                    "type": "plain_text_input",
                    "action_id": API_KEY,
                    "min_length": 20,
                    "max_length": 80,
                    "placeholder": plain("40 hexadecimal characters"),
                },
            ),
        ],
    }


def attach_modal(context: ModalContext, issue_label: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ATTACH_VIEW,
        "title": plain("Attach files"),
        "submit": plain("Attach"),
        "close": plain("Cancel"),
        "private_metadata": context.encode(),
        "blocks": [
            section(f"Files for {issue_label}"),
            _input(FILES, "Files", {"type": "file_input", "action_id": FILES, "max_files": 10}),
        ],
    }


def message_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (e.g. replaces a form when the user can't act)."""
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain("Close"),
        "blocks": [{"type": "section", "text": mrkdwn(text[:3000])}],
    }
