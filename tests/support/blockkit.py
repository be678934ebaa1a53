"""Slack's own Block Kit validation, as python-slack-sdk encodes it, for whatever we send.

python-slack-sdk (slackapi/python-slack-sdk, `slack_sdk/models/`) is Slack's published
encoding of the Block Kit reference: each model class names its limits
(`ButtonElement.value_max_length`...) and `validate_json()` refuses what Slack would.
Each model checks one level, so this walks a block, its elements and their options.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement, Option
from slack_sdk.models.views import View

TEXTS = {"mrkdwn", "plain_text"}


def validate_block(block: dict[str, Any]) -> None:
    """Raise what slack_sdk raises for a block Slack would refuse."""
    parsed = Block.parse(block)
    if parsed is None:
        raise SlackObjectFormationError(f"not a Block Kit block: {block.get('type')}")
    parsed.validate_json()
    elements = [block["element"]] if "element" in block else []
    elements += [e for e in block.get("elements") or [] if e.get("type") not in TEXTS]
    if "accessory" in block:
        elements.append(block["accessory"])
    for element in elements:
        model = BlockElement.parse(element)
        if model is None:
            raise SlackObjectFormationError(f"not a Block Kit element: {element.get('type')}")
        model.validate_json()
        for option in Option.parse_all(element.get("options")) or []:
            option.validate_json()


def validate_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    for block in view.get("blocks") or []:
        validate_block(block)


def problems(*, blocks: Any = None, view: Any = None) -> list[str]:
    """Why Slack would refuse these blocks or this view; empty when it would take them."""
    found: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        try:
            validate_block(block)
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
            found.append(f"{block.get('type')} block {block.get('block_id', '')}: {error}")
    if isinstance(view, dict):
        try:
            validate_view(view)
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
            found.append(f"view {view.get('callback_id', '')}: {error}")
    return found
