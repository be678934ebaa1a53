"""Typed readers for modal submissions: `view["state"]["values"]` is dug through here only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.blocks import modals
from bot.blocks.metadata import ModalContext
from bot.slackfiles import SlackFile

API_KEY_SHAPE = re.compile(r"^[0-9a-fA-F]{40}$")


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(block_id) or {}
    element = block.get(block_id)
    if element is None and block:  # tolerate another action id in the block
        element = next(iter(block.values()))
    return element or {}


def text_value(view: dict[str, Any], block_id: str) -> str:
    return str(_element(view, block_id).get("value") or "").strip()


def selected_value(view: dict[str, Any], block_id: str) -> str | None:
    option = _element(view, block_id).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def selected_int(view: dict[str, Any], block_id: str) -> int | None:
    value = selected_value(view, block_id)
    return int(value) if value and value.isdigit() else None


@dataclass(frozen=True)
class CreateIssueForm:
    context: ModalContext
    project_id: int | None
    tracker_id: int | None
    subject: str
    description: str
    priority_id: int | None
    assignee_id: int | None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> CreateIssueForm:
        return cls(
            context=ModalContext.decode(view.get("private_metadata")),
            project_id=selected_int(view, modals.PROJECT),
            tracker_id=selected_int(view, modals.TRACKER),
            subject=text_value(view, modals.SUBJECT),
            description=text_value(view, modals.DESCRIPTION),
            priority_id=selected_int(view, modals.PRIORITY),
            assignee_id=selected_int(view, modals.ASSIGNEE),
        )

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.project_id is None:
            errors[modals.PROJECT] = "Choose the project the issue belongs to."
        if not self.subject:
            errors[modals.SUBJECT] = "The issue needs a subject."
        elif len(self.subject) > 255:
            errors[modals.SUBJECT] = (
                f"Redmine takes at most 255 characters; this is {len(self.subject)}."
            )
        return errors

    def fields(self) -> dict[str, Any]:
        """The optional fields Redmine should set (those chosen)."""
        chosen = {
            "tracker_id": self.tracker_id,
            "description": self.description or None,
            "priority_id": self.priority_id,
            "assigned_to_id": self.assignee_id,
        }
        return {k: v for k, v in chosen.items() if v is not None}


@dataclass(frozen=True)
class ConnectForm:
    api_key: str

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> ConnectForm:
        return cls(api_key=text_value(view, modals.API_KEY))

    def errors(self) -> dict[str, str]:
        if not API_KEY_SHAPE.match(self.api_key):
            return {
                modals.API_KEY: "A Redmine API key is 40 characters of 0-9 and a-f. Copy it from "
                "My account -> API access key -> Show."
            }
        return {}


@dataclass(frozen=True)
class AttachForm:
    context: ModalContext
    files: list[SlackFile]

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> AttachForm:
        element = _element(view, modals.FILES)
        return cls(
            context=ModalContext.decode(view.get("private_metadata")),
            files=[SlackFile.from_api(f) for f in element.get("files") or []],
        )

    def errors(self) -> dict[str, str]:
        if self.context.issue_id is None:
            return {
                modals.FILES: "This form lost track of its issue; run `/redmine attach <id>` again."
            }
        if not self.files:
            return {modals.FILES: "Add at least one file."}
        return {}
