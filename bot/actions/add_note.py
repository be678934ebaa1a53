"""Add a note to an issue as the person; a note typed in Slack is converted to Redmine's markup."""

from __future__ import annotations

from collections.abc import Mapping

from bot.actions.errors import UserFacingError
from bot.config import TextFormatting
from bot.i18n import _
from bot.redmine import Redmine
from bot.store.replies import note_digest
from bot.text import slack_to_redmine


async def add_note(redmine: Redmine, issue_id: int, note: str, *, private: bool = False) -> None:
    """Add `note` (already in Redmine's markup); an empty note is refused, nothing is sent."""
    if not note.strip():
        raise UserFacingError(_("The note is empty."))
    await redmine.issues.add_note(issue_id, note, private=private)


async def add_slack_note(
    redmine: Redmine,
    issue_id: int,
    slack_text: str,
    *,
    formatting: TextFormatting,
    names: Mapping[str, str],
    private: bool = False,
) -> str:
    """`/redmine note` or a workflow step: the person's mrkdwn, with mentions as the names
    Slack gave (`names`); the note as Redmine keeps it."""
    note = slack_to_redmine(slack_text, formatting, names=names)
    await add_note(redmine, issue_id, note, private=private)
    return note


async def note_journal_id(
    redmine: Redmine, issue_id: int, redmine_user_id: int, notes: str
) -> int | None:
    """The journal the note became: Redmine answers the update with 204 and no id."""
    issue = await redmine.issues.get(issue_id, include=("journals",))
    digest = note_digest(notes)
    for journal in reversed(issue.journals):
        author = journal.user.id if journal.user else None
        if author == redmine_user_id and note_digest(journal.notes or "") == digest:
            return journal.id
    return None
