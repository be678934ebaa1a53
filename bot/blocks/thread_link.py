"""The `connect_thread` shortcut's modals and the one message it posts in the thread.

Checkboxes take at most 10 options and an option's text at most 75 characters
(docs.slack.dev/reference/block-kit/block-elements/checkboxes-element; bot/slack/limits.py):
the thread's messages are offered in groups of ten, one optional input block each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import Block, context, form_view, option, plain, section
from bot.slack import limits
from bot.text import escape_mrkdwn

LINK_VIEW = "connect_thread_link"
UNLINK_VIEW = "connect_thread_unlink"
ISSUE_BLOCK, ISSUE_ACTION = "thread_issue", "issue_id"
MESSAGES_BLOCK, MESSAGES_ACTION = "thread_messages_", "chosen"
# Ten groups of ten leave room in the modal's 100 blocks; later messages go in unasked.
PICKABLE_MESSAGES = 10 * limits.CHECKBOX_OPTIONS


def link_modal(choices: Sequence[tuple[str, str]], metadata: str) -> dict[str, Any]:
    """`choices` are (message ts, "Author: text") in thread order, all ticked."""
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": ISSUE_BLOCK,
            "label": plain("Issue number"),
            "element": {
                "type": "plain_text_input",
                "action_id": ISSUE_ACTION,
                "placeholder": plain("42 or #42"),
                "max_length": 12,
            },
        }
    ]
    pickable = list(choices[:PICKABLE_MESSAGES])
    if pickable:
        blocks.append(section("Copy these messages into one note on the issue:"))
    step = limits.CHECKBOX_OPTIONS
    for start in range(0, len(pickable), step):
        group = [option(label, ts) for ts, label in pickable[start : start + step]]
        blocks.append(
            {
                "type": "input",
                "block_id": f"{MESSAGES_BLOCK}{start // step}",
                "optional": True,
                "label": plain(f"Messages {start + 1}–{start + len(group)}"),
                "element": {
                    "type": "checkboxes",
                    "action_id": MESSAGES_ACTION,
                    "options": group,
                    "initial_options": group,
                },
            }
        )
    if len(choices) > len(pickable):
        blocks.append(context(f"The {len(choices) - len(pickable)} later messages are copied too."))
    blocks.append(
        context("From then on, replies in this thread become notes on the issue, as their authors.")
    )
    return form_view(
        LINK_VIEW,
        "Link thread to issue",
        "Link",
        metadata,
        blocks,
    )


def unlink_modal(issue_id: int, metadata: str) -> dict[str, Any]:
    return form_view(
        UNLINK_VIEW,
        "Unlink thread",
        "Unlink",
        metadata,
        [
            section(
                f"This thread is linked to #{issue_id}: its replies become notes there. "
                "Unlink it? Notes already written stay in Redmine."
            )
        ],
    )


def linked_text(issue_id: int, subject: str, url: str, user_id: str) -> str:
    return (
        f"This thread is linked to <{url}|#{issue_id} {escape_mrkdwn(subject)}> by <@{user_id}>. "
        "Replies here become notes on it, written as their authors."
    )


def unlinked_text(issue_id: int, user_id: str) -> str:
    return f"<@{user_id}> unlinked this thread from #{issue_id}: replies stay in Slack."
