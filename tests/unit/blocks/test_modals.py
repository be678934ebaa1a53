"""bot.blocks.modals and the private_metadata codecs: the whole view each builder returns.

Shapes follow Slack's reference: the modal view object (type, callback_id, title, submit,
close at most 24 characters, private_metadata at most 3000: docs.slack.dev/reference/
views/modal-view), the input block (label, element, optional, hint, dispatch_action:
…/block-kit/blocks/input-block), plain_text_input with dispatch_action_config
`on_enter_pressed` (…/block-elements/plain-text-input-element and
…/composition-objects/dispatch-action-configuration-object), external_select with
min_query_length, static_select, checkboxes, datepicker with initial_date, file_input
with max_files (…/block-kit/block-elements/*).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.metadata import ModalContext
from bot.blocks.modals import (
    IssueFormState,
    attach_modal,
    connect_modal,
    issue_modal,
    message_attach_modal,
    message_note_modal,
    message_time_modal,
    message_view,
    time_modal_for_project,
)
from bot.domain.issue_fields import IssueFields
from bot.redmine.models import CustomField, EnumerationItem, Project, Ref, Version
from bot.slack.messages import SlackMessage
from tests.support.redmine_fixtures import answer

MESSAGE = SlackMessage(channel_id="C0ALPHA", ts="1700000000.000100", text="it breaks")
CONTEXT = ModalContext.of(MESSAGE, "https://example.slack.com/archives/C0ALPHA/p1700000000000100")
CONTEXT_METADATA = (
    '{"channel_id":"C0ALPHA","message_ts":"1700000000.000100","thread_ts":"1700000000.000100",'
    '"permalink":"https://example.slack.com/archives/C0ALPHA/p1700000000000100"}'
)


def text(value: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": value, "emoji": True}


def opt(label: str, value: str) -> dict[str, Any]:
    return {"text": text(label), "value": value}


def input_block(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": text(label),
        "element": element,
        "optional": extra.pop("optional", False),
        **extra,
    }


def external(action_id: str, placeholder: str) -> dict[str, Any]:
    return {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": text(placeholder),
        "min_query_length": 0,
    }


ISSUE_TARGET = [
    input_block(
        "issue",
        "Issue number",
        {
            "type": "plain_text_input",
            "action_id": "issue",
            "max_length": 12,
            "placeholder": text("123 or #123"),
        },
        optional=True,
    ),
    input_block(
        "issue_pick",
        "…or one of your issues",
        external("issue_pick", "Assigned to you, or yours"),
        optional=True,
    ),
]


def recorded_fields() -> IssueFields:
    """Alpha as Redmine answered for the form, with one required list field added."""
    project = Project.model_validate(answer("project__alpha")["project"])
    priorities = [
        EnumerationItem.model_validate(p) for p in answer("issue_priorities")["issue_priorities"]
    ]
    versions = [Version.model_validate(v) for v in answer("versions__alpha")["versions"]]
    # The shape of an entry of /custom_fields.json (admin only; not in the recording).
    severity = CustomField.model_validate(
        {
            "id": 4,
            "name": "Severity",
            "customized_type": "issue",
            "field_format": "list",
            "is_required": True,
            "default_value": "minor",
            "possible_values": [{"value": "minor"}, {"value": "major", "label": "Major"}],
        }
    )
    return IssueFields(
        project=project,
        tracker_id=2,
        priorities=priorities,
        members=[Ref(id=5, name="Alice Archer"), Ref(id=6, name="Bob Baker")],
        categories=project.issue_categories,
        versions=versions,
        required=[severity],
    )


def test_the_one_context_codec_encodes_only_what_is_set() -> None:
    assert CONTEXT.encode() == CONTEXT_METADATA
    assert ModalContext.decode(CONTEXT_METADATA) == CONTEXT
    assert (
        ModalContext(channel_id="C1", issue_id=42).encode() == '{"channel_id":"C1","issue_id":42}'
    )


def test_message_issue_modal_before_a_project_is_chosen() -> None:
    thread = SlackMessage("C0ALPHA", "2.2", "reply", thread_ts="1.1")
    context = ModalContext.of(thread, None)
    view = issue_modal(context, IssueFormState(subject="It breaks & <fails>"), file_count=2)
    assert view == {
        "type": "modal",
        "callback_id": "message_issue_modal",
        "title": text("New Redmine issue"),
        "submit": text("Create"),
        "close": text("Cancel"),
        "private_metadata": '{"channel_id":"C0ALPHA","message_ts":"2.2","thread_ts":"1.1",'
        '"in_thread":true}',
        "blocks": [
            input_block(
                "issue_project",
                "Project",
                external("issue_project", "Choose a project"),
                dispatch_action=True,
            ),
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Tracker, priority, assignee and the rest follow the project.",
                    }
                ],
            },
            input_block(
                "subject",
                "Subject",
                {
                    "type": "plain_text_input",
                    "action_id": "subject",
                    "max_length": 255,
                    # plain text: nothing to escape in an input's value
                    "initial_value": "It breaks & <fails>",
                },
            ),
            input_block(
                "description",
                "Description",
                {
                    "type": "plain_text_input",
                    "action_id": "description",
                    "multiline": True,
                    "max_length": 3000,
                },
                optional=True,
                hint=text("Redmine markup. A link to the Slack message is part of it."),
            ),
            input_block(
                "from_message",
                "From the message",
                {
                    "type": "checkboxes",
                    "action_id": "from_message",
                    "options": [
                        opt("Add the thread's messages to the description", "thread"),
                        opt("Attach the message's 2 files", "files"),
                    ],
                },
                optional=True,
            ),
        ],
    }


def test_message_issue_modal_with_the_recorded_project_fields() -> None:
    state = IssueFormState(project=("Alpha", "1"), subject="Export stalls", checked=frozenset())
    view = issue_modal(CONTEXT, state, fields=recorded_fields())
    severity = {
        "type": "static_select",
        "action_id": "cf_4",
        "placeholder": text("Choose"),
        "options": [opt("minor", "minor"), opt("Major", "major")],
        "initial_option": opt("minor", "minor"),
    }
    priorities = [
        opt("Low", "1"),
        opt("Normal", "2"),
        opt("High", "3"),
        opt("Urgent", "4"),
        opt("Immediate", "5"),
    ]
    assert view == {
        "type": "modal",
        "callback_id": "message_issue_modal",
        "title": text("New Redmine issue"),
        "submit": text("Create"),
        "close": text("Cancel"),
        "private_metadata": CONTEXT_METADATA[:-1] + ',"project_id":1}',
        "blocks": [
            input_block(
                "issue_project",
                "Project",
                {
                    **external("issue_project", "Choose a project"),
                    "initial_option": opt("Alpha", "1"),
                },
                dispatch_action=True,
            ),
            input_block(
                "issue_tracker.p1",
                "Tracker",
                {
                    "type": "static_select",
                    "action_id": "issue_tracker",
                    "placeholder": text("Tracker"),
                    "options": [opt("Bug", "1"), opt("Feature", "2"), opt("Support", "3")],
                    "initial_option": opt("Feature", "2"),
                },
                dispatch_action=True,
            ),
            input_block(
                "subject",
                "Subject",
                {
                    "type": "plain_text_input",
                    "action_id": "subject",
                    "max_length": 255,
                    "initial_value": "Export stalls",
                },
            ),
            input_block(
                "description",
                "Description",
                {
                    "type": "plain_text_input",
                    "action_id": "description",
                    "multiline": True,
                    "max_length": 3000,
                },
                optional=True,
                hint=text("Redmine markup. A link to the Slack message is part of it."),
            ),
            input_block(
                "priority.p1",
                "Priority",
                {
                    "type": "static_select",
                    "action_id": "priority",
                    "placeholder": text("Priority"),
                    "options": priorities,
                    "initial_option": opt("Normal", "2"),  # Redmine's is_default
                },
                optional=True,
            ),
            input_block(
                "assignee.p1",
                "Assignee",
                {
                    "type": "static_select",
                    "action_id": "assignee",
                    "placeholder": text("Nobody"),
                    "options": [opt("Alice Archer", "5"), opt("Bob Baker", "6")],
                },
                optional=True,
            ),
            input_block(
                "category.p1",
                "Category",
                {
                    "type": "static_select",
                    "action_id": "category",
                    "placeholder": text("None"),
                    "options": [opt("Backend", "1")],
                },
                optional=True,
            ),
            input_block(
                "version.p1",
                "Target version",
                {
                    "type": "static_select",
                    "action_id": "version",
                    "placeholder": text("None"),
                    "options": [opt("1.0", "1")],
                },
                optional=True,
            ),
            input_block("cf_4.p1", "Severity", severity),
        ],
    }


def test_the_same_form_from_the_slash_command_has_no_message_parts() -> None:
    """`/redmine create` opens the one new-issue form under its own callback id (where
    the answer goes); with no message there are no checkboxes and no permalink hint."""
    context = ModalContext(channel_id="C0ALPHA")
    view = issue_modal(context, IssueFormState(subject="s" * 300), callback_id="create_issue_modal")
    assert view == {
        "type": "modal",
        "callback_id": "create_issue_modal",
        "title": text("New Redmine issue"),
        "submit": text("Create"),
        "close": text("Cancel"),
        "private_metadata": '{"channel_id":"C0ALPHA"}',
        "blocks": [
            input_block(
                "issue_project",
                "Project",
                external("issue_project", "Choose a project"),
                dispatch_action=True,
            ),
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Tracker, priority, assignee and the rest follow the project.",
                    }
                ],
            },
            input_block(
                "subject",
                "Subject",
                {
                    "type": "plain_text_input",
                    "action_id": "subject",
                    "max_length": 255,
                    "initial_value": "s" * 255,  # Redmine's subject column
                },
            ),
            input_block(
                "description",
                "Description",
                {
                    "type": "plain_text_input",
                    "action_id": "description",
                    "multiline": True,
                    "max_length": 3000,
                },
                optional=True,
                hint=text("Redmine markup."),
            ),
        ],
    }


def test_connect_and_attach_modals() -> None:
    context = ModalContext(channel_id="D0DM", issue_id=7)
    assert connect_modal(context) == {
        "type": "modal",
        "callback_id": "connect_modal",
        "title": text("Connect Redmine"),
        "submit": text("Connect"),
        "close": text("Cancel"),
        "private_metadata": '{"channel_id":"D0DM","issue_id":7}',
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Paste your Redmine API key: in Redmine, open *My account*, then "
                    "*API access key* → *Show*. It is checked with Redmine at once.",
                },
            },
            input_block(
                "api_key",
                "API access key",
                {
                    "type": "plain_text_input",
                    "action_id": "api_key",
                    "min_length": 20,
                    "max_length": 80,
                    "placeholder": text("40 hexadecimal characters"),
                },
            ),
        ],
    }
    assert attach_modal(context, "#7 Export stalls") == {
        "type": "modal",
        "callback_id": "attach_modal",
        "title": text("Attach files"),
        "submit": text("Attach"),
        "close": text("Cancel"),
        "private_metadata": '{"channel_id":"D0DM","issue_id":7}',
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Files for #7 Export stalls"}},
            input_block(
                "files", "Files", {"type": "file_input", "action_id": "files", "max_files": 10}
            ),
        ],
    }


def test_message_view_cuts_its_title_and_text_to_slacks_limits() -> None:
    assert message_view("Redmine could not be reached", "x" * 3100) == {
        "type": "modal",
        "title": text("Redmine could not be re…"),  # 24 characters
        "close": text("Close"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}],
    }


def test_message_note_modal() -> None:
    assert message_note_modal(CONTEXT, "n" * 3100) == {
        "type": "modal",
        "callback_id": "message_note_modal",
        "title": text("Add a Redmine note"),
        "submit": text("Add note"),
        "close": text("Cancel"),
        "private_metadata": CONTEXT_METADATA,
        "blocks": [
            *ISSUE_TARGET,
            input_block(
                "note",
                "Note",
                {
                    "type": "plain_text_input",
                    "action_id": "note",
                    "multiline": True,
                    "max_length": 3000,
                    "initial_value": "n" * 3000,
                },
            ),
            input_block(
                "private",
                "Visibility",
                {
                    "type": "checkboxes",
                    "action_id": "private",
                    "options": [
                        opt(
                            "Private note (only people allowed to see private notes)",
                            "private_note",
                        )
                    ],
                },
                optional=True,
            ),
        ],
    }


def time_view(context: ModalContext, activity_block_id: str, metadata: str) -> dict[str, Any]:
    number, pick = ISSUE_TARGET
    return {
        "type": "modal",
        "callback_id": "message_time_modal",
        "title": text("Log time in Redmine"),
        "submit": text("Log time"),
        "close": text("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {
                **number,
                "element": {
                    **number["element"],
                    "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
                },
                "dispatch_action": True,
                "hint": text("Press Enter to load the issue's project activities."),
            },
            {**pick, "dispatch_action": True},
            input_block(
                "hours",
                "Hours",
                {
                    "type": "plain_text_input",
                    "action_id": "hours",
                    "max_length": 20,
                    "placeholder": text("1.5, 1h30, 1:30, 90m"),
                },
            ),
            input_block(activity_block_id, "Activity", external("activity", "Choose an activity")),
            input_block(
                "spent_on",
                "Date",
                {"type": "datepicker", "action_id": "spent_on", "initial_date": "2026-03-04"},
            ),
            input_block(
                "comment",
                "Comment",
                {
                    "type": "plain_text_input",
                    "action_id": "comment",
                    "max_length": 1024,
                    "initial_value": "it breaks",
                },
                optional=True,
            ),
        ],
    }


def test_message_time_modal_and_its_rebuild_for_the_issues_project() -> None:
    view = message_time_modal(CONTEXT, today=date(2026, 3, 4), comment="it breaks")
    assert view == time_view(CONTEXT, "activity", CONTEXT_METADATA)
    # The view as a payload carries more than views.update takes (id, state, hash).
    shown = {**view, "id": "V1", "hash": "h", "state": {"values": {}}}
    assert time_modal_for_project(shown, 1) == time_view(
        CONTEXT, "activity.p1", CONTEXT_METADATA[:-1] + ',"project_id":1}'
    )


def test_message_attach_modal_escapes_file_names() -> None:
    assert message_attach_modal(CONTEXT, ["a&b.png", "<x>.txt"]) == {
        "type": "modal",
        "callback_id": "message_attach_modal",
        "title": text("Attach to Redmine"),
        "submit": text("Attach"),
        "close": text("Cancel"),
        "private_metadata": CONTEXT_METADATA,
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "The message's 2 files: `a&amp;b.png`, `&lt;x&gt;.txt`",
                },
            },
            *ISSUE_TARGET,
        ],
    }


def test_selects_stop_at_slacks_option_counts() -> None:
    # A static select holds at most 100 options, checkboxes at most 10
    # (docs.slack.dev/reference/block-kit/block-elements/select-menu-element,
    # …/checkboxes-element): past 100 members the assignee becomes an external select.
    fields = recorded_fields()
    many = [Ref(id=100 + n, name=f"Person {n}") for n in range(101)]
    view = issue_modal(
        CONTEXT,
        IssueFormState(),
        fields=IssueFields(project=fields.project, tracker_id=None, members=many),
    )
    assignee = next(b for b in view["blocks"] if b["block_id"] == "issue_assignee.p1")
    assert assignee == input_block(
        "issue_assignee.p1", "Assignee", external("issue_assignee", "Nobody"), optional=True
    )
    exactly = IssueFields(project=fields.project, tracker_id=None, members=many[:100])
    view = issue_modal(CONTEXT, IssueFormState(), fields=exactly)
    picked = next(b for b in view["blocks"] if b["block_id"] == "assignee.p1")
    assert picked["element"]["options"] == [opt(p.name, str(p.id)) for p in many[:100]]


def test_the_context_codec_keeps_a_message_and_an_issue_and_drops_what_it_never_writes() -> None:
    both = ModalContext(channel_id="C1", issue_id=5, message_ts="1.2", file_ids=("F1",))
    assert ModalContext.decode(both.encode()) == both
    forged = (
        '{"channel_id":7,"issue_id":true,"project_id":1e309,"in_thread":"yes",'
        '"file_ids":["F1",{"id":"F2"}],"permalink":""}'
    )
    assert ModalContext.decode(forged) == ModalContext(file_ids=("F1",))
