"""What the bot says after a form's write: exact texts, private issues kept private."""

from __future__ import annotations

from bot.blocks import replies
from bot.redmine.models import EnumerationItem, Issue, TimeEntry

BASE = "https://redmine.example.org"
ISSUE = Issue.model_validate(
    {"id": 41, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Printer <jams>"}
)
PRIVATE = Issue.model_validate(
    {"id": 42, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Payroll", "is_private": True}
)


def test_created_from_a_message_names_the_files_attached() -> None:
    assert replies.created_from_message(BASE, "UBOB", ISSUE, ["a&b.txt", "c.png"]) == (
        f"<@UBOB> created <{BASE}/issues/41|#41 Printer &lt;jams&gt;> with `a&amp;b.txt` and `c.png`."
    )


def test_a_private_issues_subject_is_left_out() -> None:
    assert replies.created_from_message(BASE, "UBOB", PRIVATE, []) == (
        f"<@UBOB> created <{BASE}/issues/42|#42>."
    )


def test_the_attach_summary_says_every_files_fate() -> None:
    label = f"<{BASE}/issues/41|#41>"
    why = "This file cannot be uploaded because it exceeds the maximum allowed file size (5 MB)"
    assert replies.attach_summary(["a.txt"], [("core.dump", why)], label) == (
        f"Attached `a.txt` to {label}.\n`core.dump` was not attached: {why}"
    )
    assert replies.attach_summary([], [], label) == "There were no files to attach."


def test_notes_and_time() -> None:
    link = f"<{BASE}/issues/41|#41>"
    assert replies.note_added(BASE, "UBOB", ISSUE, private=False) == (
        f"<@UBOB> added this as a note to {link}."
    )
    assert replies.note_added(BASE, "UBOB", ISSUE, private=True) == (
        f"Added your private note to {link}."
    )
    entry = TimeEntry.model_validate(
        {"id": 3, "project": {"id": 7, "name": "Helpdesk"}, "hours": 1.5, "spent_on": "2026-11-20"}
    )
    design = EnumerationItem(id=9, name="Design")
    assert replies.time_logged(BASE, "UBOB", ISSUE, entry, design) == (
        f"<@UBOB> logged 1.5 h of Design on {link}."
    )
    assert replies.time_logged(BASE, "UBOB", ISSUE, entry, None) == (
        f"<@UBOB> logged 1.5 h on {link}."
    )
