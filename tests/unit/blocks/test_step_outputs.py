"""What each workflow step hands on: outputs keyed as slack-manifest.yml declares them
(tests/contract/test_manifest.py holds the names and types together)."""

from __future__ import annotations

from bot.blocks.step_outputs import created_outputs, note_outputs, time_outputs
from bot.redmine.models import Issue, TimeEntry

BASE = "https://redmine.example/"
ISSUE = Issue.model_validate({"id": 42, "project": {"id": 1, "name": "A"}, "subject": "Jam"})


def test_a_created_issue_hands_on_its_number_link_and_subject() -> None:
    assert created_outputs(ISSUE, BASE) == {
        "issue_id": "42",
        "issue_url": "https://redmine.example/issues/42",
        "subject": "Jam",
    }


def test_a_note_links_to_its_own_journal_or_else_to_the_issue() -> None:
    assert note_outputs(ISSUE, 7, BASE)["note_url"] == "https://redmine.example/issues/42#change-7"
    # Written, but not found again (Redmine answers the update with 204 and no id).
    assert note_outputs(ISSUE, None, BASE)["note_url"] == "https://redmine.example/issues/42"


def test_a_time_entry_hands_on_its_number_and_hours() -> None:
    entry = TimeEntry.model_validate({"id": 9, "project": {"id": 1, "name": "A"}, "hours": 1.25})
    assert time_outputs(ISSUE, entry, BASE) == {
        "time_entry_id": "9",
        "hours": 1.25,
        "issue_url": "https://redmine.example/issues/42",
    }
