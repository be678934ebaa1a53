"""A view from a payload, reduced to what the form readers can trust.

The door checks a payload's overall shape (bot/slack/door/payloads.py), but a reader must
not crash on what it does not check: a label that is no text object, a block without a
block_id, an input whose state is not an object. Everything a reader would dig through is
given the shape Slack documents (docs.slack.dev/reference/interaction-payloads/
view-interactions-payload, `view.state.values[block_id][action_id]`; input blocks'
`label` a plain_text object: docs.slack.dev/reference/block-kit/blocks/input-block), and
what does not fit is left out, so it reads as a field left empty.
"""

from __future__ import annotations

from typing import Any


def readable_view(view: object) -> dict[str, Any]:
    """`view` with `state.values` a dict of dicts of dicts and `blocks` a list of dicts."""
    if not isinstance(view, dict):
        return {}
    state = view.get("state")
    raw_values = state.get("values") if isinstance(state, dict) else None
    values = {
        block_id: {
            action_id: element
            for action_id, element in block.items()
            if isinstance(action_id, str) and isinstance(element, dict)
        }
        for block_id, block in (raw_values.items() if isinstance(raw_values, dict) else ())
        if isinstance(block_id, str) and isinstance(block, dict)
    }
    raw_blocks = view.get("blocks")
    blocks = [b for b in raw_blocks if isinstance(b, dict)] if isinstance(raw_blocks, list) else []
    return {**view, "state": {"values": values}, "blocks": blocks}


def block_id_of(block: dict[str, Any]) -> str | None:
    """A block's id, or None for one without a usable id (it names no field)."""
    block_id = block.get("block_id")
    return block_id if isinstance(block_id, str) and block_id else None


def label_text(block: dict[str, Any]) -> str | None:
    """The text of a block's label, when it is a text object with text."""
    label = block.get("label")
    text = label.get("text") if isinstance(label, dict) else None
    return text if isinstance(text, str) and text else None
