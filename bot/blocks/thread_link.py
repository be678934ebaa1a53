"""The `connect_thread` shortcut's modals and the one message it posts in the thread.

Checkboxes take at most 10 options and an option's text at most 75 characters
(docs.slack.dev/reference/block-kit/block-elements/checkboxes-element; bot/slack/limits.py):
the thread's messages are offered in groups of ten, one optional input block each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import Block, context, form_view, option, plain, section
from bot.i18n import _, ngettext
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
            "label": plain(_("Issue number")),
            "element": {
                "type": "plain_text_input",
                "action_id": ISSUE_ACTION,
                "placeholder": plain(_("42 or #42")),
                "max_length": 12,
            },
        }
    ]
    pickable = list(choices[:PICKABLE_MESSAGES])
    if pickable:
        blocks.append(section(_("Copy these messages into one note on the issue:")))
    step = limits.CHECKBOX_OPTIONS
    for start in range(0, len(pickable), step):
        group = [option(label, ts) for ts, label in pickable[start : start + step]]
        blocks.append(
            {
                "type": "input",
                "block_id": f"{MESSAGES_BLOCK}{start // step}",
                "optional": True,
                "label": plain(
                    _("Messages {first}–{last}", first=start + 1, last=start + len(group))
                ),
                "element": {
                    "type": "checkboxes",
                    "action_id": MESSAGES_ACTION,
                    "options": group,
                    "initial_options": group,
                },
            }
        )
    if later := len(choices) - len(pickable):
        blocks.append(
            context(
                ngettext(
                    "The {count} later message is copied too.",
                    "The {count} later messages are copied too.",
                    later,
                )
            )
        )
    blocks.append(
        context(
            _("From then on, replies in this thread become notes on the issue, as their authors.")
        )
    )
    return form_view(LINK_VIEW, _("Link thread to issue"), _("Link"), metadata, blocks)


def unlink_modal(issue_id: int, metadata: str) -> dict[str, Any]:
    question = _(
        "This thread is linked to #{issue}: its replies become notes there. Unlink it? "
        "Notes already written stay in Redmine.",
        issue=issue_id,
    )
    return form_view(UNLINK_VIEW, _("Unlink thread"), _("Unlink"), metadata, [section(question)])


def linked_text(issue_id: int, subject: str, url: str, user_id: str) -> str:
    return _(
        "This thread is linked to {issue} by {person}. Replies here become notes on it, "
        "written as their authors.",
        issue=f"<{url}|#{issue_id} {escape_mrkdwn(subject)}>",
        person=f"<@{user_id}>",
    )


def unlinked_text(issue_id: int, user_id: str) -> str:
    return _(
        "{person} unlinked this thread from #{issue}: replies stay in Slack.",
        person=f"<@{user_id}>",
        issue=issue_id,
    )
