"""Exact-dict tests for the connect_thread modals and messages, and reading the form back.

Checkbox limits from docs.slack.dev/reference/block-kit/block-elements/checkboxes-element:
at most 10 options per element, an option's text at most 75 characters.
"""

from __future__ import annotations

from bot.actions.link_thread import NOT_AN_ISSUE, LinkThreadForm
from bot.blocks.thread_link import (
    PICKABLE_MESSAGES,
    link_modal,
    linked_text,
    unlink_modal,
    unlinked_text,
)

TEXT = {"type": "plain_text", "emoji": True}


def test_link_modal_offers_every_message_ticked() -> None:
    view = link_modal([("1.1", "Alice: it broke"), ("1.2", "Bob: on it")], '{"channel_id":"C1"}')
    option_1 = {"text": {**TEXT, "text": "Alice: it broke"}, "value": "1.1"}
    option_2 = {"text": {**TEXT, "text": "Bob: on it"}, "value": "1.2"}
    assert view == {
        "type": "modal",
        "callback_id": "connect_thread_link",
        "title": {**TEXT, "text": "Link thread to issue"},
        "submit": {**TEXT, "text": "Link"},
        "close": {**TEXT, "text": "Cancel"},
        "private_metadata": '{"channel_id":"C1"}',
        "blocks": [
            {
                "type": "input",
                "block_id": "thread_issue",
                "label": {**TEXT, "text": "Issue number"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "issue_id",
                    "placeholder": {**TEXT, "text": "42 or #42"},
                    "max_length": 12,
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Copy these messages into one note on the issue:",
                },
            },
            {
                "type": "input",
                "block_id": "thread_messages_0",
                "optional": True,
                "label": {**TEXT, "text": "Messages 1–2"},
                "element": {
                    "type": "checkboxes",
                    "action_id": "chosen",
                    "options": [option_1, option_2],
                    "initial_options": [option_1, option_2],
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "From then on, replies in this thread become notes on the "
                        "issue, as their authors.",
                    }
                ],
            },
        ],
    }


def test_long_threads_are_offered_ten_at_a_time_and_long_texts_cut() -> None:
    choices = [(f"1.{n}", f"Bob: {'x' * 100}") for n in range(PICKABLE_MESSAGES + 3)]
    blocks = link_modal(choices, "")["blocks"]
    groups = [b for b in blocks if b.get("block_id", "").startswith("thread_messages_")]
    assert len(groups) == 10
    assert all(len(g["element"]["options"]) == 10 for g in groups)
    assert all(len(o["text"]["text"]) <= 75 for g in groups for o in g["element"]["options"])
    assert blocks[-2]["elements"][0]["text"] == "The 3 later messages are copied too."
    assert len(blocks) <= 100


def test_unlink_modal_and_the_thread_messages() -> None:
    assert unlink_modal(42, "m")["blocks"] == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "This thread is linked to #42: its replies become notes there. "
                "Unlink it? Notes already written stay in Redmine.",
            },
        }
    ]
    assert linked_text(42, "Crash <!channel>", "https://r.example/issues/42", "UALICE") == (
        "This thread is linked to <https://r.example/issues/42|#42 Crash &lt;!channel&gt;> by "
        "<@UALICE>. Replies here become notes on it, written as their authors."
    )
    assert (
        unlinked_text(42, "UBOB") == "<@UBOB> unlinked this thread from #42: replies stay in Slack."
    )


def test_the_form_reads_the_issue_and_every_ticked_message() -> None:
    values = {
        "thread_issue": {"issue_id": {"type": "plain_text_input", "value": " #42 "}},
        "thread_messages_0": {
            "chosen": {
                "type": "checkboxes",
                "selected_options": [{"value": "1.1"}, {"value": "1.2"}],
            }
        },
        "thread_messages_1": {"chosen": {"type": "checkboxes", "selected_options": []}},
    }
    assert LinkThreadForm.from_values(values) == LinkThreadForm(42, frozenset({"1.1", "1.2"}))
    for typed in ("", "abc", "0", "#", "1" * 12, None):
        bad = {"thread_issue": {"issue_id": {"type": "plain_text_input", "value": typed}}}
        assert LinkThreadForm.from_values(bad) == {"thread_issue": NOT_AN_ISSUE}
