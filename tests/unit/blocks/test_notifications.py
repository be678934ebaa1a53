"""bot.blocks.notifications: the whole (text, blocks) pair, from a recorded issue's journals.

Shapes: section and context blocks (docs.slack.dev/reference/block-kit/blocks/
section-block, context-block); a message's `text` is its notification fallback and is
parsed as mrkdwn too, so it is escaped like the blocks (docs.slack.dev/reference/methods/
chat.postMessage, "text" argument; docs.slack.dev/messaging/formatting-message-text).
"""

from __future__ import annotations

from bot.blocks.notifications import NOTE_LIMIT, change_message, new_issue_message
from bot.config import TextFormatting
from bot.domain.journal_event import JournalEvent
from bot.i18n import translator_for, using
from bot.notify.events import journal_event
from tests.support.redmine_fixtures import BASE_URL, issue

TEXTILE = TextFormatting.textile
ISSUE_LINK = "<https://redmine.example.test/issues/3|#3 Export stalls>"
SENTENCE = "The export stalls at 40%. "  # the recorded private note repeats it 60 times


class RecordedNames:
    """The names behind the ids in the recorded journals (the seeded Redmine's)."""

    def status(self, status_id: str | None) -> str:
        return {"1": "New", "2": "In Progress", "5": "Closed"}.get(status_id or "", "")

    def is_closed(self, status_id: str | None) -> bool:
        return status_id == "5"

    def tracker(self, tracker_id: str | None) -> str:
        return {"1": "Bug", "2": "Feature"}.get(tracker_id or "", "")

    def priority(self, priority_id: str | None) -> str:
        return {"2": "Normal", "3": "High"}.get(priority_id or "", "")

    def user(self, user_id: str | None) -> str:
        return {"5": "Alice Archer", "6": "Bob Baker"}.get(user_id or "", "")

    def version(self, version_id: str | None) -> str:
        return ""

    def category(self, category_id: str | None) -> str:
        return ""

    def project(self, project_id: str | None) -> str:
        return ""

    def custom_field(self, field_id: str) -> str:
        return ""


def recorded_event(index: int) -> JournalEvent:
    return journal_event(issue("issue__with_journals").journals[index], RecordedNames())


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_change_in_thread_lists_changes_escapes_the_note_and_links_the_issue() -> None:
    text, blocks = change_message(
        issue("issue__with_journals"), recorded_event(0), BASE_URL, TEXTILE, in_thread=True
    )
    assert text == (
        "Bob Baker updated #3 (Status: New → *In Progress*; Assignee: *Alice Archer*; "
        "Priority: Normal → *High*): Looking at it: *the queue* is &lt;full&gt; &amp; slow."
    )
    with using(translator_for("ja-JP")):
        japanese, _blocks = change_message(
            issue("issue__with_journals"), recorded_event(0), BASE_URL, TEXTILE, in_thread=True
        )
    # A phone's notification in Japanese punctuates the list as Japanese does.
    assert japanese.startswith(
        "Bob Baker さんが #3 を更新しました（ステータス: New → *In Progress*、"
    )
    assert "）: Looking at it" in japanese
    assert blocks == [
        section(
            "*Bob Baker* updated\n"
            "Status: New → *In Progress*\n"
            "Assignee: *Alice Archer*\n"
            "Priority: Normal → *High*"
        ),
        section("Looking at it: *the queue* is &lt;full&gt; &amp; slow."),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": ISSUE_LINK}]},
    ]


def test_change_outside_a_thread_names_the_issue_and_mentions_linked_people() -> None:
    text, blocks = change_message(
        issue("issue__with_journals"),
        recorded_event(0),
        BASE_URL,
        TEXTILE,
        in_thread=False,
        mentions={"Alice Archer": "<@U0ALICE>"},
    )
    assert text == (
        "Bob Baker updated #3 (Status: New → *In Progress*; Assignee: <@U0ALICE>; "
        "Priority: Normal → *High*): Looking at it: *the queue* is &lt;full&gt; &amp; slow."
    )
    assert blocks == [
        section(
            f"*Bob Baker* updated {ISSUE_LINK}\n"
            "Status: New → *In Progress*\n"
            "Assignee: <@U0ALICE>\n"
            "Priority: Normal → *High*"
        ),
        section("Looking at it: *the queue* is &lt;full&gt; &amp; slow."),
    ]


def test_private_long_note_is_marked_and_cut_with_a_link_to_its_journal() -> None:
    event = recorded_event(1)
    assert event.private and len(event.note or "") > NOTE_LIMIT
    text, blocks = change_message(
        issue("issue__with_journals"), event, BASE_URL, TEXTILE, in_thread=True
    )
    # The fallback carries the note's first 200 characters.
    assert text == "Bob Baker updated #3: " + SENTENCE * 7 + "The export stalls "
    # 46 sentences are 1196 characters; the cut falls on the space after the next "The".
    cut = SENTENCE * 46 + "The… <https://redmine.example.test/issues/3#change-3|more>"
    assert blocks == [
        section("*Bob Baker* updated :lock: private note"),
        section(cut),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": ISSUE_LINK}]},
    ]


def test_change_with_an_author_and_subject_to_escape() -> None:
    event = JournalEvent(journal_id=9, author="<!channel> & co", private=False, note=None)
    closed = issue("issue__status_closed")
    text, blocks = change_message(closed, event, BASE_URL, TEXTILE, in_thread=False)
    assert text == "&lt;!channel&gt; &amp; co updated #1"
    assert blocks == [
        section(
            "*&lt;!channel&gt; &amp; co* updated <https://redmine.example.test/issues/1|"
            "#1 Release &lt;!channel&gt; notes &amp; *bold* claims>"
        )
    ]


def _button(text: str, action_id: str, value: str) -> dict[str, object]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }


def test_new_issue_message_is_the_card_without_description_with_its_actions() -> None:
    text, blocks = new_issue_message(issue("issue__private"), BASE_URL, TEXTILE)
    assert text == "Alice Archer: #2 Payroll export leaks salaries (New)"
    assert blocks == [
        section(
            "*<https://redmine.example.test/issues/2|#2 Payroll export leaks salaries>*"
            "  :lock: private"
        ),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Project*\nAlpha"},
                {"type": "mrkdwn", "text": "*Tracker*\nBug"},
                {"type": "mrkdwn", "text": "*Status*\nNew"},
                {"type": "mrkdwn", "text": "*Priority*\nUrgent"},
                {"type": "mrkdwn", "text": "*Assignee*\nnobody"},
                {"type": "mrkdwn", "text": "*Author*\nAlice Archer"},
            ],
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Updated <!date^1772642730^{date_short_pretty} {time}"
                    "|2026-03-04 16:45 UTC>",
                }
            ],
        },
        {
            "type": "actions",
            "block_id": "card.2.1772642730",
            "elements": [
                _button("Assign to me", "issue_assign_me", "card.2.1772642730"),
                {
                    "type": "external_select",
                    "action_id": "issue_status",
                    "placeholder": {"type": "plain_text", "text": "Change status", "emoji": True},
                    "min_query_length": 0,
                },
                _button("Add note", "issue_note", "card.2.1772642730"),
                _button("Log time", "issue_log_time", "card.2.1772642730"),
                _button("Watch / Unwatch", "issue_watch", "card.2.1772642730"),
                _button("Edit", "issue_edit", "card.2.1772642730"),
            ],
        },
    ]
