"""Modals: pure builders, and the ids their submissions are read back by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.blocks.common import (
    OPTIONS_LIMIT,
    SECTION_LIMIT,
    Block,
    form_view,
    mrkdwn,
    option,
    plain,
    section,
)
from bot.blocks.metadata import ModalContext
from bot.blocks.oauth import connect_blocks
from bot.domain.issue_fields import IssueFields
from bot.i18n import N_, _, ngettext
from bot.redmine.models import CustomField, Ref, Version
from bot.slack import limits
from bot.text import escape_mrkdwn

CREATE_ISSUE_VIEW = "create_issue_modal"
CONNECT_VIEW = "connect_modal"
ATTACH_VIEW = "attach_modal"

# block_id == action_id for every input, so a form reads `values[id][id]`.
SUBJECT = "subject"
DESCRIPTION = "description"
PRIORITY = "priority"
ASSIGNEE = "assignee"
API_KEY = "api_key"
FILES = "files"


# -- project-scoped inputs ----------------------------------------------------------------
# `views.update` keeps what a person entered in every input whose block_id and action_id
# are unchanged (Slack's "Updating views" docs, api.slack.com/surfaces/modals). So the
# inputs that depend on the project carry it in their block_id (`tracker.p7`): after a
# project change they are new inputs, and no choice made for the old project survives
# into the submission. Forms read them back through `unscoped_view`.

SCOPE_MARK = ".p"


def scoped(block_id: str, project_id: int | None) -> str:
    """The block_id of a project-dependent input built for `project_id`."""
    return f"{block_id}{SCOPE_MARK}{project_id}" if project_id is not None else block_id


def _scope_of(block_id: str) -> tuple[str, int | None]:
    base, mark, suffix = block_id.rpartition(SCOPE_MARK)
    if mark and base and suffix.isdigit():
        return base, int(suffix)
    return block_id, None


def unscoped_view(view: dict[str, Any], project_id: int | None) -> dict[str, Any]:
    """The view with inputs built for `project_id` under their plain ids, others dropped.

    An input scoped to another project cannot be in a view Slack shows (the form was
    rebuilt), but a forged or stale submission could carry one: it is never read.
    """

    def keep(block_id: str) -> str | None:
        base, scope = _scope_of(block_id)
        if scope is None:
            return block_id
        return base if scope == project_id else None

    values = (view.get("state") or {}).get("values") or {}
    kept_values = {keep(k): v for k, v in values.items() if keep(k) is not None}
    blocks = []
    for block in view.get("blocks") or []:
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            renamed = keep(block_id)
            if renamed is None:
                continue
            block = {**block, "block_id": renamed}
        blocks.append(block)
    return {**view, "state": {"values": kept_values}, "blocks": blocks}


def scoped_errors(errors: dict[str, str], view: dict[str, Any]) -> dict[str, str]:
    """Field errors keyed by the block_ids the view really has (scoped ones included)."""
    real = {
        _scope_of(b["block_id"])[0]: b["block_id"]
        for b in view.get("blocks") or []
        if isinstance(b, dict) and isinstance(b.get("block_id"), str)
    }
    return {real.get(key, key): message for key, message in errors.items()}


def input_block(
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


def _optional_pick(
    block_id: str, label: str, placeholder: str, items: Sequence[Ref | Version]
) -> Block:
    """An optional select among a project's members, categories or versions."""
    choices = [(item.name, str(item.id)) for item in items]
    return input_block(
        block_id, label, static_select(block_id, placeholder, choices), optional=True
    )


def external_select(action_id: str, placeholder: str) -> dict[str, Any]:
    return {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "min_query_length": 0,
    }


PASTE_KEY = N_(
    "Paste your Redmine API key: in Redmine, open *My account*, then *API access key* → "
    "*Show*. It is checked with Redmine at once."
)
PASTE_INSTEAD = N_(
    "*Or* paste your Redmine API key: in Redmine, open *My account*, then *API access "
    "key* → *Show*. It is checked with Redmine at once."
)


def connect_modal(context: ModalContext, oauth_url: str | None = None) -> dict[str, Any]:
    """Paste a key; and where this Redmine has OAuth2 and the service is set up for it,
    the "Connect with Redmine" button first (bot/blocks/oauth.py)."""
    oauth = (
        [*connect_blocks(oauth_url), section(_(PASTE_INSTEAD))]
        if oauth_url
        else [section(_(PASTE_KEY))]
    )
    return form_view(
        CONNECT_VIEW,
        _("Connect Redmine"),
        _("Connect"),
        context.encode(),
        [
            *oauth,
            input_block(
                API_KEY,
                _("API access key"),
                {
                    "type": "plain_text_input",
                    "action_id": API_KEY,
                    "min_length": 20,
                    "max_length": 80,
                    "placeholder": plain(_("40 hexadecimal characters")),
                },
            ),
        ],
    )


def attach_modal(context: ModalContext, issue_label: str) -> dict[str, Any]:
    return form_view(
        ATTACH_VIEW,
        _("Attach files"),
        _("Attach"),
        context.encode(),
        [
            section(_("Files for {issue}", issue=issue_label)),
            input_block(
                FILES, _("Files"), {"type": "file_input", "action_id": FILES, "max_files": 10}
            ),
        ],
    )


def message_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (e.g. replaces a form when the user can't act)."""
    return {
        "type": "modal",
        "title": plain(title, limits.VIEW_TITLE),
        "close": plain(_("Close")),
        "blocks": [{"type": "section", "text": mrkdwn(text[: limits.SECTION_TEXT])}],
    }


# -- the new-issue form and the message shortcuts' forms ---------------------------------
# Forms opened from a message; the new-issue form also from `/redmine create` and the
# global shortcut. Their project-dependent fields
# are static selects filled when the project is chosen (`views.update`), so a project
# change rebuilds the form with that project's trackers, members, categories, versions
# and required custom fields.

MESSAGE_ISSUE_VIEW = "message_issue_modal"
MESSAGE_NOTE_VIEW = "message_note_modal"
MESSAGE_TIME_VIEW = "message_time_modal"
MESSAGE_ATTACH_VIEW = "message_attach_modal"

ISSUE_PROJECT = "issue_project"
ISSUE_TRACKER = "issue_tracker"
ISSUE_ASSIGNEE = "issue_assignee"  # external select, for projects with over 100 members
CATEGORY = "category"
VERSION = "version"
FROM_MESSAGE = "from_message"  # checkboxes: copy the thread, attach the message's files
INCLUDE_THREAD = "thread"
INCLUDE_FILES = "files"
ISSUE = "issue"  # typed issue number
ISSUE_PICK = "issue_pick"  # or one picked among the person's issues
NOTE = "note"
PRIVATE = "private"
PRIVATE_NOTE = "private_note"
HOURS = "hours"
ACTIVITY = "activity"
SPENT_ON = "spent_on"
COMMENT = "comment"
CUSTOM_FIELD_PREFIX = "cf_"

NOTE_LIMIT = limits.PLAIN_TEXT_INPUT


def custom_field_block_id(field_id: int) -> str:
    return f"{CUSTOM_FIELD_PREFIX}{field_id}"


def static_select(
    action_id: str,
    placeholder: str,
    choices: list[tuple[str, str]],
    initial: str | None = None,
) -> dict[str, Any]:
    options = [option(label, value) for label, value in choices[:OPTIONS_LIMIT]]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": options,
    }
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def text_input(
    action_id: str,
    *,
    initial: str = "",
    multiline: bool = False,
    max_length: int | None = None,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id}
    if multiline:
        element["multiline"] = True
    if max_length is not None:
        element["max_length"] = max_length
        initial = initial[:max_length]
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def checkboxes(action_id: str, choices: list[tuple[str, str]], checked: set[str]) -> dict[str, Any]:
    # Checkbox options are option objects: 75 characters of text, like any other.
    options = [option(label, value) for label, value in choices[: limits.CHECKBOX_OPTIONS]]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": action_id, "options": options}
    initial = [o for o in options if o["value"] in checked]
    if initial:
        element["initial_options"] = initial
    return element


def _issue_target_blocks(issue_text: str = "") -> list[Block]:
    return [
        input_block(
            ISSUE,
            _("Issue number"),
            text_input(ISSUE, initial=issue_text, max_length=12, placeholder=_("123 or #123")),
            optional=True,
        ),
        input_block(
            ISSUE_PICK,
            _("…or one of your issues"),
            external_select(ISSUE_PICK, _("Assigned to you, or yours")),
            optional=True,
        ),
    ]


@dataclass(frozen=True)
class IssueFormState:
    """What the person already entered, kept when the form is rebuilt."""

    project: tuple[str, str] | None = None  # (label, value) of the chosen project
    subject: str = ""
    description: str = ""
    checked: frozenset[str] = frozenset()


def issue_modal(
    context: ModalContext,
    state: IssueFormState,
    *,
    callback_id: str = MESSAGE_ISSUE_VIEW,
    file_count: int = 0,
    fields: IssueFields | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """The one new-issue form, for `/redmine create`, the global and the message shortcut.

    `fields` (once a project is chosen) adds the project's dependent fields; the
    message-only checkboxes appear only when the context carries a message. The
    callback id says where the answer goes: `CREATE_ISSUE_VIEW` (the command's) posts
    the issue's card in the channel, `MESSAGE_ISSUE_VIEW` answers in the thread.
    """
    project_select = external_select(ISSUE_PROJECT, _("Choose a project"))
    if state.project is not None:
        project_select["initial_option"] = option(*state.project)
    project_block = input_block(ISSUE_PROJECT, _("Project"), project_select)
    project_block["dispatch_action"] = True  # a choice rebuilds the dependent fields
    blocks: list[Block] = [project_block]
    if fields is None:
        blocks.append(
            context_block(
                notice or _("Tracker, priority, assignee and the rest follow the project.")
            )
        )
    elif fields.trackers:
        tracker_block = input_block(
            ISSUE_TRACKER,
            _("Tracker"),
            static_select(
                ISSUE_TRACKER,
                _("Tracker"),
                [(t.name, str(t.id)) for t in fields.trackers],
                str(fields.tracker_id) if fields.tracker_id else None,
            ),
        )
        tracker_block["dispatch_action"] = True  # required custom fields depend on it
        tracker_block["block_id"] = scoped(ISSUE_TRACKER, fields.project.id)
        blocks.append(tracker_block)
    blocks.append(
        input_block(
            SUBJECT, _("Subject"), text_input(SUBJECT, initial=state.subject, max_length=255)
        )
    )
    blocks.append(
        input_block(
            DESCRIPTION,
            _("Description"),
            text_input(
                DESCRIPTION,
                initial=state.description,
                multiline=True,
                max_length=limits.PLAIN_TEXT_INPUT,
            ),
            optional=True,
            hint=_("Redmine markup. A link to the Slack message is part of it.")
            if context.message_ts
            else _("Redmine markup."),
        )
    )
    if fields is not None:
        for field_block in _project_field_blocks(fields):
            field_block["block_id"] = scoped(field_block["block_id"], fields.project.id)
            blocks.append(field_block)
    extras: list[tuple[str, str]] = []
    if context.in_thread:
        extras.append((_("Add the thread's messages to the description"), INCLUDE_THREAD))
    if file_count or context.file_ids:
        count = file_count or len(context.file_ids)
        extras.append((_attach_files(count), INCLUDE_FILES))
    if extras:
        blocks.append(
            input_block(
                FROM_MESSAGE,
                _("From the message"),
                checkboxes(FROM_MESSAGE, extras, set(state.checked)),
                optional=True,
            )
        )
    # The project the scoped inputs belong to: what their options requests read.
    metadata = replace(context, project_id=fields.project.id if fields else None).encode()
    return form_view(callback_id, _("New Redmine issue"), _("Create"), metadata, blocks)


def _attach_files(count: int) -> str:
    # One file reads "the message's file"; more go by each language's plural rule.
    if count == 1:
        return _("Attach the message's file")
    return ngettext(
        "Attach the message's {count} file", "Attach the message's {count} files", count
    )


def _the_files(count: int, listed: str) -> str:
    if count == 1:
        return _("The message's file: {files}", files=listed)
    return ngettext(
        "The message's {count} file: {files}",
        "The message's {count} files: {files}",
        count,
        files=listed,
    )


def _project_field_blocks(fields: IssueFields) -> list[Block]:
    blocks: list[Block] = []
    if fields.priorities:
        default = fields.default_priority_id
        blocks.append(
            input_block(
                PRIORITY,
                _("Priority"),
                static_select(
                    PRIORITY,
                    _("Priority"),
                    [(p.name, str(p.id)) for p in fields.priorities],
                    str(default) if default else None,
                ),
                optional=True,
            )
        )
    if len(fields.members) > OPTIONS_LIMIT:
        blocks.append(
            input_block(
                ISSUE_ASSIGNEE,
                _("Assignee"),
                external_select(ISSUE_ASSIGNEE, _("Nobody")),
                optional=True,
            )
        )
    elif fields.members:
        blocks.append(_optional_pick(ASSIGNEE, _("Assignee"), _("Nobody"), fields.members))
    if fields.categories:
        blocks.append(_optional_pick(CATEGORY, _("Category"), _("None"), fields.categories))
    if fields.versions:
        blocks.append(_optional_pick(VERSION, _("Target version"), _("None"), fields.versions))
    for custom_field in fields.required:
        blocks.append(_custom_field_block(custom_field))
    return blocks


def _custom_field_block(custom_field: CustomField) -> Block:
    block_id = custom_field_block_id(custom_field.id)
    label = custom_field.name[: limits.INPUT_LABEL]
    choices = [
        (str(v.get("label") or v.get("value")), str(v.get("value")))
        for v in custom_field.possible_values
        if v.get("value") is not None
    ]
    if custom_field.field_format == "bool":
        choices = [(_("Yes"), "1"), (_("No"), "0")]
    if choices and custom_field.field_format in {"list", "bool"}:
        element = static_select(block_id, _("Choose"), choices, custom_field.default_value)
    else:
        element = text_input(block_id, initial=custom_field.default_value or "", max_length=255)
    return input_block(block_id, label, element)


def context_block(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text[:SECTION_LIMIT])]}


def message_note_modal(
    context: ModalContext, note: str, *, issue_id: int | None = None, no_private: str = ""
) -> dict[str, Any]:
    """`no_private`: why the person may not write a private note on this issue; the form
    then says so instead of offering the box."""
    private: Block = input_block(
        PRIVATE,
        _("Visibility"),
        checkboxes(
            PRIVATE,
            [(_("Private note (only people allowed to see private notes)"), PRIVATE_NOTE)],
            set(),
        ),
        optional=True,
    )
    return form_view(
        MESSAGE_NOTE_VIEW,
        _("Add a Redmine note"),
        _("Add note"),
        context.encode(),
        [
            *_issue_target_blocks(str(issue_id) if issue_id else ""),
            input_block(
                NOTE,
                _("Note"),
                text_input(NOTE, initial=note, multiline=True, max_length=NOTE_LIMIT),
            ),
            context_block(no_private) if no_private else private,
        ],
    )


def message_time_modal(
    context: ModalContext, *, today: date, comment: str, issue_id: int | None = None
) -> dict[str, Any]:
    """The log-time form. Naming the issue (Enter in the number, or a pick) sends an
    action; the form is then rebuilt with the issue's project in private_metadata and the
    activity input scoped to it, so the activity options are that project's. `issue_id`
    prefills the number (a reminder's button; its project goes in `context`)."""
    issue_blocks = _issue_target_blocks(str(issue_id) if issue_id else "")
    for issue_block in issue_blocks:
        issue_block["dispatch_action"] = True
    issue_blocks[0]["element"]["dispatch_action_config"] = {
        "trigger_actions_on": ["on_enter_pressed"]
    }
    issue_blocks[0]["hint"] = plain(_("Press Enter to load the issue's project activities."))
    return form_view(
        MESSAGE_TIME_VIEW,
        _("Log time in Redmine"),
        _("Log time"),
        context.encode(),
        [
            *issue_blocks,
            input_block(
                HOURS,
                _("Hours"),
                text_input(HOURS, max_length=20, placeholder=_("1.5, 1h30, 1:30, 90m")),
            ),
            input_block(
                scoped(ACTIVITY, context.project_id),
                _("Activity"),
                external_select(ACTIVITY, _("Choose an activity")),
            ),
            input_block(
                SPENT_ON,
                _("Date"),
                {"type": "datepicker", "action_id": SPENT_ON, "initial_date": today.isoformat()},
            ),
            input_block(
                COMMENT,
                _("Comment"),
                text_input(COMMENT, initial=comment, max_length=limits.REDMINE_TIME_COMMENT),
                optional=True,
            ),
        ],
    )


# The keys views.open and views.update take; a payload's view has more (id, state, hash...).
VIEW_KEYS = (
    "type",
    "callback_id",
    "title",
    "submit",
    "close",
    "private_metadata",
    "blocks",
    "clear_on_close",
    "notify_on_close",
    "external_id",
)


def time_modal_for_project(view: dict[str, Any], project_id: int | None) -> dict[str, Any]:
    """The log-time form as shown, rebuilt for the issue's project: the project in
    private_metadata, the activity input scoped to it (what was typed elsewhere stays)."""
    context = replace(ModalContext.decode(view.get("private_metadata")), project_id=project_id)
    blocks = []
    for block in view.get("blocks") or []:
        if block.get("block_id") and _scope_of(str(block["block_id"]))[0] == ACTIVITY:
            block = {**block, "block_id": scoped(ACTIVITY, project_id)}
        blocks.append(block)
    rebuilt = {key: view[key] for key in VIEW_KEYS if key in view}
    return {**rebuilt, "private_metadata": context.encode(), "blocks": blocks}


def message_attach_modal(context: ModalContext, file_names: list[str]) -> dict[str, Any]:
    listed = ", ".join(f"`{escape_mrkdwn(name)}`" for name in file_names)
    return form_view(
        MESSAGE_ATTACH_VIEW,
        _("Attach to Redmine"),
        _("Attach"),
        context.encode(),
        [
            section(_the_files(len(file_names), listed)),
            *_issue_target_blocks(),
        ],
    )
