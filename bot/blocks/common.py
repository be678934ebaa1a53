"""Small pure helpers shared by the Block Kit builders."""

from __future__ import annotations

from typing import Any

from bot.i18n import _
from bot.slack import limits

Block = dict[str, Any]

# The names the builders use, all from the one table in bot/slack/limits.py.
SECTION_LIMIT = limits.SECTION_TEXT
TITLE_LIMIT = limits.VIEW_TITLE
OPTIONS_LIMIT = limits.SELECT_OPTIONS


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text, "emoji": True}


def form_view(
    callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block]
) -> dict[str, Any]:
    """A modal form: its callback, title, submit button, Cancel, and what it carries along."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_LIMIT),
        "submit": plain(submit),
        "close": plain(_("Cancel")),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def section(text: str) -> Block:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": mrkdwn(text)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts]}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, limits.BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, limits.OPTION_TEXT), "value": value}
