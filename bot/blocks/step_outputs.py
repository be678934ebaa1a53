"""The outputs a Workflow Builder step hands to the workflow's later steps.

`functions.completeSuccess` takes "a JSON-based object that conforms to the output
parameters schema for the custom function defined in the manifest"
(docs.slack.dev/reference/methods/functions.completeSuccess), keyed by the output names
slack-manifest.yml declares under `functions.<callback_id>.output_parameters`. The names
here are those; tests/contract/test_manifest.py holds the two together.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.issues import issue_url
from bot.redmine.models import Issue, TimeEntry

ISSUE_ID = "issue_id"
ISSUE_URL = "issue_url"
SUBJECT = "subject"
NOTE_URL = "note_url"
TIME_ENTRY_ID = "time_entry_id"
HOURS = "hours"


def created_outputs(issue: Issue, base_url: str) -> dict[str, Any]:
    """ "Create a Redmine issue": its number, its address and its subject."""
    return {
        ISSUE_ID: str(issue.id),
        ISSUE_URL: issue_url(base_url, issue.id),
        SUBJECT: issue.subject,
    }


def note_outputs(issue: Issue, journal_id: int | None, base_url: str) -> dict[str, Any]:
    """ "Add a note": the note's own address (the issue's where it was not found again)."""
    url = issue_url(base_url, issue.id)
    return {
        ISSUE_URL: url,
        NOTE_URL: f"{url}#change-{journal_id}" if journal_id is not None else url,
    }


def time_outputs(issue: Issue, entry: TimeEntry, base_url: str) -> dict[str, Any]:
    """ "Log time": the entry's id and hours, and the issue it was logged on."""
    return {
        TIME_ENTRY_ID: str(entry.id),
        HOURS: float(entry.hours),
        ISSUE_URL: issue_url(base_url, issue.id),
    }
