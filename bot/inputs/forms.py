"""Typed readers for modal submissions: `view["state"]["values"]` is dug through here only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.blocks import edit_modal, modals
from bot.blocks.metadata import ModalContext
from bot.i18n import N_, _
from bot.inputs.grammar import ISSUE_ID, UsageError, ascii_int, parse_hours
from bot.inputs.views import block_id_of, label_text, readable_view
from bot.slack import limits
from bot.slack.web.files import SlackFile, has_readable_size

API_KEY_SHAPE = re.compile(r"^[0-9a-fA-F]{40}$")


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    values = readable_view(view)["state"]["values"]
    block = values.get(block_id) or {}
    element = block.get(block_id)
    if element is None and block:  # tolerate another action id in the block
        element = next(iter(block.values()))
    return element or {}


def text_value(view: dict[str, Any], block_id: str) -> str:
    return str(_element(view, block_id).get("value") or "").strip()


def selected_value(view: dict[str, Any], block_id: str) -> str | None:
    option = _element(view, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return str(value) if value else None


def selected_int(view: dict[str, Any], block_id: str) -> int | None:
    value = selected_value(view, block_id)
    # A value Slack would never send ("²", "1e309", 100 kB of digits) reads as no choice.
    return ascii_int(value) if value else None


NO_PROJECT = N_("Choose the project the issue belongs to.")
# The person chose another project and submitted before the form was rebuilt for it.
PROJECT_CATCHING_UP = N_(
    "The form is still loading that project's fields: check them, then submit again."
)


def project_mismatch(chosen: int | None, built_for: int | None) -> bool:
    """The dependent inputs were built for another project than the one chosen."""
    return built_for is not None and chosen is not None and chosen != built_for


def subject_problem(subject: str) -> str | None:
    """Why a subject cannot go to Redmine as it is, if it cannot."""
    if not subject:
        return _("The issue needs a subject.")
    if len(subject) > limits.REDMINE_SUBJECT:
        return limits.too_long_for_redmine(len(subject), limits.REDMINE_SUBJECT)
    return None


@dataclass(frozen=True)
class ConnectForm:
    api_key: str

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> ConnectForm:
        return cls(api_key=text_value(view, modals.API_KEY))

    def errors(self) -> dict[str, str]:
        if not API_KEY_SHAPE.match(self.api_key):
            return {
                modals.API_KEY: _(
                    "A Redmine API key is 40 characters of 0-9 and a-f. Copy it from "
                    "My account -> API access key -> Show."
                )
            }
        return {}


def unreadable_files(names: list[str]) -> str:
    return _("Slack sent {files} without a size that is a number: add it again.").format(
        files=", ".join(names)
    )


@dataclass(frozen=True)
class AttachForm:
    context: ModalContext
    files: list[SlackFile]
    unreadable: list[str]  # names of files whose description is not Slack's

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> AttachForm:
        listed = _element(view, modals.FILES).get("files")
        files: list[SlackFile] = []
        unreadable: list[str] = []
        for data in listed if isinstance(listed, list) else []:
            if isinstance(data, dict) and has_readable_size(data):
                files.append(SlackFile.from_api(data))
            else:
                unreadable.append(
                    SlackFile.from_api(data).name if isinstance(data, dict) else "a file"
                )
        return cls(
            context=ModalContext.decode(view.get("private_metadata")),
            files=files,
            unreadable=unreadable,
        )

    def errors(self) -> dict[str, str]:
        if self.context.issue_id is None:
            return {
                modals.FILES: _(
                    "This form lost track of its issue; run `/redmine attach <id>` again."
                )
            }
        if self.unreadable:
            return {modals.FILES: unreadable_files(self.unreadable)}
        if not self.files:
            return {modals.FILES: _("Add at least one file.")}
        return {}


# -- message shortcuts' forms -----------------------------------------------------------


def checked_values(view: dict[str, Any], block_id: str) -> frozenset[str]:
    options = _element(view, block_id).get("selected_options")
    return frozenset(
        str(o["value"])
        for o in (options if isinstance(options, list) else [])
        if isinstance(o, dict) and o.get("value")
    )


def selected_date(view: dict[str, Any], block_id: str) -> date | None:
    """The datepicker's date; None without one or for one that is no date ("2027-02-30")."""
    value = _element(view, block_id).get("selected_date")
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def block_labels(view: dict[str, Any]) -> dict[str, str]:
    """block_id -> its label's text, for error messages naming a field. A block without
    an id names no field; one without a readable label is named by its id."""
    labels: dict[str, str] = {}
    for block in readable_view(view)["blocks"]:
        if block_id := block_id_of(block):
            labels[block_id] = label_text(block) or block_id
    return labels


ISSUE_TARGET_MISSING = N_("Type the issue's number, or choose one of your issues.")


def read_issue_target(view: dict[str, Any]) -> tuple[int | None, str | None]:
    """(issue id, error): a typed number wins over a picked issue."""
    typed = text_value(view, modals.ISSUE)
    if typed:
        match = ISSUE_ID.match(typed)
        if not match:
            return None, _("`{typed}` is not an issue number: type e.g. 123 or #123.", typed=typed)
        return int(match.group(1)), None
    picked = selected_int(view, modals.ISSUE_PICK)
    if picked is None:
        return None, _(ISSUE_TARGET_MISSING)
    return picked, None


@dataclass(frozen=True)
class IssueForm:
    context: ModalContext
    project_id: int | None
    project_label: str | None
    tracker_id: int | None
    subject: str
    description: str
    priority_id: int | None
    assignee_id: int | None
    category_id: int | None
    version_id: int | None
    custom_fields: dict[int, str]
    custom_field_labels: dict[int, str]
    checked: frozenset[str]

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> IssueForm:
        view = readable_view(view)
        context = ModalContext.decode(view.get("private_metadata"))
        view = modals.unscoped_view(view, context.project_id)
        values = view["state"]["values"]
        labels = block_labels(view)
        custom: dict[int, str] = {}
        custom_labels: dict[int, str] = {}
        # Every custom field block is a required one (the form shows no others); a block
        # in the view but absent from the state was left empty.
        for block_id in {*labels, *values}:
            field_id = ascii_int(block_id.removeprefix(modals.CUSTOM_FIELD_PREFIX))
            if block_id.startswith(modals.CUSTOM_FIELD_PREFIX) and field_id is not None:
                element = _element(view, block_id)
                chosen = selected_value(view, block_id)
                custom[field_id] = str(chosen or element.get("value") or "").strip()
                custom_labels[field_id] = labels.get(block_id, block_id)
        return cls(
            context=context,
            project_id=selected_int(view, modals.ISSUE_PROJECT),
            project_label=_option_label(_element(view, modals.ISSUE_PROJECT)),
            tracker_id=selected_int(view, modals.ISSUE_TRACKER),
            subject=text_value(view, modals.SUBJECT),
            description=text_value(view, modals.DESCRIPTION),
            priority_id=selected_int(view, modals.PRIORITY),
            assignee_id=selected_int(view, modals.ASSIGNEE)
            or selected_int(view, modals.ISSUE_ASSIGNEE),
            category_id=selected_int(view, modals.CATEGORY),
            version_id=selected_int(view, modals.VERSION),
            custom_fields=custom,
            custom_field_labels=custom_labels,
            checked=checked_values(view, modals.FROM_MESSAGE),
        )

    @property
    def include_thread(self) -> bool:
        return modals.INCLUDE_THREAD in self.checked

    @property
    def attach_message_files(self) -> bool:
        return modals.INCLUDE_FILES in self.checked

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.project_id is None:
            errors[modals.ISSUE_PROJECT] = _(NO_PROJECT)
        elif project_mismatch(self.project_id, self.context.project_id):
            errors[modals.ISSUE_PROJECT] = _(PROJECT_CATCHING_UP)
        if problem := subject_problem(self.subject):
            errors[modals.SUBJECT] = problem
        for field_id, value in self.custom_fields.items():
            if not value:
                errors[modals.custom_field_block_id(field_id)] = _(
                    "{field} is required in this project.",
                    field=self.custom_field_labels[field_id],
                )
        return errors

    def fields(self) -> dict[str, Any]:
        """The optional fields Redmine should set (those chosen)."""
        chosen: dict[str, Any] = {
            "tracker_id": self.tracker_id,
            "description": self.description or None,
            "priority_id": self.priority_id,
            "assigned_to_id": self.assignee_id,
            "category_id": self.category_id,
            "fixed_version_id": self.version_id,
        }
        if self.custom_fields:
            chosen["custom_fields"] = [
                {"id": field_id, "value": value} for field_id, value in self.custom_fields.items()
            ]
        return {k: v for k, v in chosen.items() if v is not None}


@dataclass(frozen=True)
class IssueTargetForm:
    """A message shortcut's form that names an existing issue: the note, time and attach forms."""

    context: ModalContext
    issue_id: int | None
    issue_error: str | None

    @staticmethod
    def target_fields(view: dict[str, Any]) -> dict[str, Any]:
        """The fields every such form reads alike: its context, the issue, why it is not one."""
        issue_id, issue_error = read_issue_target(view)
        context = ModalContext.decode(view.get("private_metadata"))
        return {"context": context, "issue_id": issue_id, "issue_error": issue_error}

    def target_errors(self) -> dict[str, str]:
        return {modals.ISSUE: self.issue_error} if self.issue_error else {}


@dataclass(frozen=True)
class NoteForm(IssueTargetForm):
    note: str
    private: bool

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> NoteForm:
        return cls(
            **cls.target_fields(view),
            note=text_value(view, modals.NOTE),
            private=modals.PRIVATE_NOTE in checked_values(view, modals.PRIVATE),
        )

    def errors(self) -> dict[str, str]:
        errors = self.target_errors()
        if not self.note:
            errors[modals.NOTE] = _("The note is empty.")
        return errors


@dataclass(frozen=True)
class TimeForm(IssueTargetForm):
    hours: Decimal | None
    hours_error: str | None
    activity_id: int | None
    spent_on: date | None
    comment: str

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> TimeForm:
        context = ModalContext.decode(view.get("private_metadata"))
        view = modals.unscoped_view(view, context.project_id)  # the scoped activity
        hours_text = text_value(view, modals.HOURS)
        hours: Decimal | None = None
        hours_error: str | None = None
        if not hours_text:
            hours_error = _("How many hours? e.g. 1.5, 1h30, 1:30 or 90m.")
        else:
            try:
                hours = parse_hours(hours_text)
            except UsageError as error:
                hours_error = error.message
        return cls(
            **cls.target_fields(view),
            hours=hours,
            hours_error=hours_error,
            activity_id=selected_int(view, modals.ACTIVITY),
            spent_on=selected_date(view, modals.SPENT_ON),
            comment=text_value(view, modals.COMMENT),
        )

    def errors(self) -> dict[str, str]:
        errors = self.target_errors()
        if self.hours_error:
            errors[modals.HOURS] = self.hours_error
        if self.activity_id is None:
            errors[modals.ACTIVITY] = _("Choose an activity.")
        if self.spent_on is None:
            errors[modals.SPENT_ON] = _("Choose the day the time was spent.")
        if len(self.comment) > limits.REDMINE_TIME_COMMENT:
            limit = limits.REDMINE_TIME_COMMENT
            errors[modals.COMMENT] = limits.too_long_for_redmine(len(self.comment), limit)
        return errors


@dataclass(frozen=True)
class MessageAttachForm(IssueTargetForm):
    @classmethod
    def from_view(cls, view: dict[str, Any]) -> MessageAttachForm:
        return cls(**cls.target_fields(view))

    def errors(self) -> dict[str, str]:
        errors = self.target_errors()
        if not self.context.file_ids:
            errors[modals.ISSUE] = _(
                "This form lost track of the message's files; use the shortcut again."
            )
        return errors


@dataclass(frozen=True)
class EditForm:
    """An issue card's Edit form as submitted: each field as the person left it (None
    where Slack sent no choice; `assignee_id` 0 for "Nobody")."""

    context: ModalContext
    status_id: int | None
    assignee_id: int | None
    priority_id: int | None
    due_date: date | None
    no_due_date: bool
    done_ratio: int | None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> EditForm:
        assignee = selected_value(view, edit_modal.EDIT_ASSIGNEE) or selected_value(
            view, edit_modal.EDIT_ASSIGNEE_SEARCH
        )
        return cls(
            context=ModalContext.decode(view.get("private_metadata")),
            status_id=selected_int(view, edit_modal.EDIT_STATUS),
            # A value Slack would never send ("²", 1e309) reads as no choice.
            assignee_id=ascii_int(assignee) if assignee else None,
            priority_id=selected_int(view, edit_modal.EDIT_PRIORITY),
            due_date=selected_date(view, edit_modal.EDIT_DUE_DATE),
            no_due_date=edit_modal.NO_DUE_DATE in checked_values(view, edit_modal.EDIT_NO_DUE_DATE),
            done_ratio=_done_ratio(selected_value(view, edit_modal.EDIT_DONE_RATIO)),
        )


def _option_label(element: dict[str, Any]) -> str | None:
    option = element.get("selected_option")
    text = option.get("text") if isinstance(option, dict) else None
    label = text.get("text") if isinstance(text, dict) else None
    return label if isinstance(label, str) and label else None


def _done_ratio(value: str | None) -> int | None:
    number = ascii_int(value) if value else None
    return number if number is not None and 0 <= number <= 100 else None
