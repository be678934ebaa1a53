"""Which Slack message events are replies to import, and the `replies:on` switch.

Event shapes after slackapi/java-slack-sdk json-logs/samples/events/MessagePayload.json,
MessageFileSharePayload.json, MessageBotPayload.json and MessageChangedPayload.json.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.actions.errors import UserFacingError
from bot.actions.follow_reply_edits import ReplyChange
from bot.actions.reply_to_note import SlackReply, note_text, refused_files_text
from bot.actions.subscription_filters import parse_filters
from bot.config import TextFormatting
from handlers.thread_replies import parse_change, parse_reply

REPLY: dict[str, Any] = {
    "type": "message",
    "channel": "C1",
    "user": "UBOB",
    "text": "on it, see <@UALICE>",
    "ts": "1700000002.000200",
    "thread_ts": "1700000001.000100",
}


def test_a_persons_reply_in_a_thread_is_parsed_with_its_files() -> None:
    event = {**REPLY, "subtype": "file_share", "files": [{"id": "F1"}, {"name": "no id"}]}
    assert parse_reply(event) == SlackReply(
        "C1", "1700000001.000100", "1700000002.000200", "UBOB", "on it, see <@UALICE>", ("F1",)
    )


@pytest.mark.parametrize(
    "event",
    [
        {**REPLY, "bot_id": "B1"},
        {**REPLY, "subtype": "bot_message", "bot_id": "B1"},
        {**REPLY, "subtype": "message_changed"},
        {**REPLY, "subtype": "channel_join"},
        {**REPLY, "thread_ts": REPLY["ts"]},  # the thread's parent itself
        {k: v for k, v in REPLY.items() if k != "thread_ts"},  # not in a thread
        {k: v for k, v in REPLY.items() if k != "user"},
    ],
    ids=["bot_id", "bot_message", "changed", "join", "parent", "unthreaded", "no_user"],
)
def test_other_messages_are_not_replies(event: dict[str, Any]) -> None:
    assert parse_reply(event) is None


def test_the_note_is_slack_formatting_in_redmines() -> None:
    reply = SlackReply(
        "C1", "1.1", "1.2", "UBOB", "*done* see <@UALICE>", names={"UALICE": "Alice"}
    )
    assert note_text(reply, TextFormatting.textile) == "*done* see @Alice"
    assert note_text(reply, TextFormatting.common_mark) == "**done** see @Alice"


def test_replies_switch_and_its_description() -> None:
    options = parse_filters(["replies:on", "private:on"])
    assert options.replies and options.private
    assert options.describe().endswith("thread replies become Redmine notes")
    assert parse_filters([]).replies is False
    with pytest.raises(UserFacingError, match="use `replies:on` or `replies:off`"):
        parse_filters(["replies:maybe"])


def test_refused_files_are_named_with_what_to_do() -> None:
    text = refused_files_text(42, [("big.bin", "Redmine refused it: too large (5 MB)")])
    assert text.splitlines() == [
        "Your reply is a note on #42, but some files were not attached:",
        "• `big.bin`: Redmine refused it: too large (5 MB)",
        "Attach them in Redmine, or make them smaller and reply again.",
    ]


def test_edits_and_deletions_are_parsed_and_unfurls_ignored() -> None:
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "message": {**REPLY, "text": "new words", "edited": {"user": "UBOB", "ts": "1.9"}},
        "previous_message": REPLY,
    }
    assert parse_change(changed) == ReplyChange("C1", REPLY["ts"], "new words")
    unfurled = {**changed, "message": {**REPLY, "attachments": [{"id": 1}]}}
    assert parse_change(unfurled) is None  # Slack added a preview; the text is the same
    by_bot = {**changed, "message": {**changed["message"], "bot_id": "B1"}}
    assert parse_change(by_bot) is None
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": "C1",
        "deleted_ts": REPLY["ts"],
        "previous_message": REPLY,
    }
    assert parse_change(deleted) == ReplyChange("C1", REPLY["ts"], None)
    assert parse_change({**REPLY}) is None
