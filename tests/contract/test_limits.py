"""bot/slack/limits.py against the limits Slack's own SDK enforces, and every view and message
we build against Slack's own Block Kit models.

python-slack-sdk (slackapi/python-slack-sdk, `slack_sdk/models/`) is Slack's published
encoding of the Block Kit reference: each model class names its limits
(`ButtonElement.value_max_length`...) and `validate_json()` refuses what Slack would.
It is installed with slack-bolt, so nothing is copied here.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import InputInteractiveElement, InteractiveElement
from slack_sdk.models.views import View

from bot.blocks import modals
from bot.blocks.issues import TOO_LONG_TO_PAGE, search_results
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import IssueFormState
from bot.domain.issue_fields import IssueFields
from bot.inputs.help import help_blocks
from bot.redmine.models import CustomField, EnumerationItem, Project, Ref, SearchResult
from bot.slack import limits
from tests.support.blockkit import validate_block, validate_view


@pytest.mark.parametrize(
    ("ours", "slacks"),
    [
        (limits.VIEW_TITLE, View.title_max_length),
        (limits.VIEW_BUTTON_TEXT, View.submit_max_length),
        (limits.VIEW_BUTTON_TEXT, View.close_max_length),
        (limits.VIEW_BLOCKS, View.blocks_max_length),
        (limits.PRIVATE_METADATA, View.private_metadata_max_length),
        (limits.CALLBACK_ID, View.callback_id_max_length),
        (limits.BLOCK_ID, Block.block_id_max_length),
        (limits.SECTION_TEXT, SectionBlock.text_max_length),
        (limits.INPUT_LABEL, InputBlock.label_max_length),
        (limits.INPUT_HINT, InputBlock.hint_max_length),
        (limits.CONTEXT_ELEMENTS, ContextBlock.elements_max_length),
        (limits.ACTIONS_ELEMENTS, ActionsBlock.elements_max_length),
        (limits.ACTION_ID, InteractiveElement.action_id_max_length),
        (limits.PLACEHOLDER, InputInteractiveElement.placeholder_max_length),
        (limits.BUTTON_TEXT, ButtonElement.text_max_length),
        (limits.BUTTON_VALUE, ButtonElement.value_max_length),
        (limits.SELECT_OPTIONS, StaticSelectElement.options_max_length),
        (limits.OPTION_TEXT, Option.label_max_length),
        (limits.OPTION_VALUE, Option.value_max_length),
    ],
)
def test_our_limit_is_slacks(ours: int, slacks: int) -> None:
    assert ours == slacks


def test_checkbox_options_limit_is_slacks() -> None:
    # The SDK states this one in CheckboxesElement's docstring, not as a constant.
    doc = inspect.getsource(CheckboxesElement)
    assert f"A maximum of {limits.CHECKBOX_OPTIONS} options are allowed" in doc


# -- everything we build passes Slack's own validation ----------------------------------

CONTEXT = ModalContext(
    channel_id="C1", message_ts="1.1", thread_ts="1.0", in_thread=True, file_ids=("F1", "F2")
)
LONG = "x" * 5000


def _fields(members: int) -> IssueFields:
    project = Project(
        id=3,
        name=LONG,
        identifier="alpha",
        trackers=[Ref(id=i, name=f"Tracker {LONG}") for i in range(1, 130)],
        issue_categories=[Ref(id=4, name=LONG)],
    )
    return IssueFields(
        project=project,
        tracker_id=2,
        priorities=[EnumerationItem(id=2, name=LONG, is_default=True)],
        members=[Ref(id=i, name=f"Person {i} {LONG}") for i in range(members)],
        required=[
            CustomField(
                id=8,
                name=LONG,
                field_format="list",
                possible_values=[{"value": f"v{i}", "label": LONG} for i in range(150)],
            ),
            CustomField(id=9, name="Text", field_format="string", default_value=LONG),
        ],
    )


def _views() -> list[dict[str, Any]]:
    state = IssueFormState(project=(LONG, "3"), subject=LONG, description=LONG)
    return [
        modals.issue_modal(
            ModalContext(channel_id="C1"), state, callback_id=modals.CREATE_ISSUE_VIEW
        ),
        modals.issue_modal(
            ModalContext(channel_id="C1"),
            state,
            callback_id=modals.CREATE_ISSUE_VIEW,
            fields=_fields(150),
        ),
        modals.connect_modal(ModalContext(channel_id="C1")),
        modals.attach_modal(ModalContext(channel_id="C1", issue_id=5), LONG),
        modals.message_view(LONG, LONG),
        modals.issue_modal(CONTEXT, state, fields=_fields(150), file_count=2),
        modals.issue_modal(CONTEXT, state, fields=_fields(80)),
        modals.issue_modal(ModalContext(), IssueFormState(), notice=LONG),
        modals.message_note_modal(CONTEXT, LONG),
        modals.message_time_modal(CONTEXT, today=date(2026, 1, 15), comment=LONG),
        modals.message_attach_modal(CONTEXT, [LONG, "b.txt"]),
    ]


def test_the_validation_catches_what_slack_refuses() -> None:
    too_long = {"text": {"type": "plain_text", "text": "t" * 76}, "value": "v"}
    checkbox = {"type": "checkboxes", "action_id": "c", "options": [too_long]}
    with pytest.raises(Exception, match="75"):
        validate_block(
            {"type": "input", "label": {"type": "plain_text", "text": "l"}, "element": checkbox}
        )
    button = {"type": "button", "text": {"type": "plain_text", "text": "b"}, "value": "v" * 2001}
    with pytest.raises(Exception, match="2000"):
        validate_block({"type": "actions", "elements": [button]})


@pytest.mark.parametrize("view", _views(), ids=lambda v: str(v.get("callback_id", "message")))
def test_every_view_we_build_passes_slacks_validation(view: dict[str, Any]) -> None:
    validate_view(view)


def test_messages_we_build_pass_slacks_validation() -> None:
    results = [SearchResult(id=i, title=LONG, type="issue", url="u") for i in range(1, 26)]
    pages = [
        search_results("printer", results, {}, offset=0, total=100, base_url="https://r"),
        search_results(LONG, results, {}, offset=0, total=100, base_url="https://r"),
        help_blocks(LONG, None),
    ]
    for blocks in pages:
        assert len(blocks) <= limits.MESSAGE_BLOCKS
        for block in blocks:
            validate_block(block)


def test_a_query_too_long_for_a_button_value_gets_a_hint_not_a_broken_button() -> None:
    results = [SearchResult(id=1, title="t", type="issue", url="u")]
    short = search_results("printer", results, {}, offset=0, total=9, base_url="https://r")
    assert short[-1]["type"] == "actions"
    assert len(short[-1]["elements"][0]["value"]) <= limits.BUTTON_VALUE
    long = search_results("q" * 2100, results, {}, offset=0, total=9, base_url="https://r")
    assert long[-1]["type"] == "context" and TOO_LONG_TO_PAGE in str(long[-1])
