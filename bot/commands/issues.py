"""Kept only until issue 10 merges: part B's handlers/views.py imports these two from here.

The one-liner and everything else moved to bot/actions/create_issue.py and
bot/actions/add_note.py; these two are copies of those, to be deleted with this module
once views.py imports from bot.actions.
"""

from __future__ import annotations

from typing import Any

from bot.actions.errors import UserFacingError, cannot_add_issues
from bot.redmine import Redmine
from bot.redmine.errors import ValidationError, is_cannot_add_issues
from bot.redmine.models import Issue, Project


async def create_issue(redmine: Redmine, project: Project, subject: str, **fields: Any) -> Issue:
    """Create as the acting user; Redmine's meaningless 422 for a forbidden project is reworded."""
    try:
        return await redmine.issues.create(project_id=project.id, subject=subject, **fields)
    except ValidationError as error:
        if is_cannot_add_issues(error):
            raise cannot_add_issues(project.name) from None
        raise


async def add_note(redmine: Redmine, issue_id: int, note: str, *, private: bool = False) -> None:
    if not note.strip():
        raise UserFacingError("The note is empty.")
    await redmine.issues.add_note(issue_id, note, private=private)
