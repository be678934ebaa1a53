"""The local Slack refuses Block Kit that Slack refuses, as Slack answers it.

chat.postMessage's reference lists `invalid_blocks`; views.open's lists
`invalid_arguments`; a response_url answers HTTP 400 "invalid_blocks"
(slackapi/java-slack-sdk issue 1017). What counts as invalid is python-slack-sdk's
model validation (tests/support/blockkit.py).
"""

from __future__ import annotations

from typing import Any

from tests.support.fakeslack import FakeSlack

TOO_LONG_BUTTON: dict[str, Any] = {
    "type": "actions",
    "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "b"}, "value": "v" * 2001}
    ],
}
GOOD_SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "fine"}}


def test_a_message_with_a_button_value_over_2000_characters_is_invalid_blocks() -> None:
    fake = FakeSlack()
    refused = fake.block_kit_refusal("chat.postMessage", {"blocks": [TOO_LONG_BUTTON]})
    assert refused is not None and refused["error"] == "invalid_blocks"
    assert len(fake.block_kit_errors) == 1 and "2000" in fake.block_kit_errors[0]


def test_a_view_with_a_title_over_24_characters_is_invalid_arguments() -> None:
    fake = FakeSlack()
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}
    refused = fake.block_kit_refusal("views.open", {"view": view})
    assert refused is not None and refused["error"] == "invalid_arguments"
    assert refused["response_metadata"]["messages"]


def test_valid_blocks_pass_and_the_check_can_be_switched_off() -> None:
    fake = FakeSlack()
    assert fake.block_kit_refusal("chat.update", {"blocks": [GOOD_SECTION]}) is None
    fake.invalid_blocks = False
    assert fake.block_kit_refusal("chat.postMessage", {"blocks": [TOO_LONG_BUTTON]}) is None
    assert fake.block_kit_errors == []
