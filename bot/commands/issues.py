"""Create, show, add notes, list mine: each makes one Redmine request once caches are warm."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.commands.errors import CommandError, cannot_add_issues
from bot.commands.projects import match_project, visible_projects
from bot.redmine import Redmine
from bot.redmine.errors import ValidationError, is_cannot_add_issues
from bot.redmine.models import Issue, Project

SUBJECT_LIMIT = 255
MINE_LIMIT = 25


@dataclass(frozen=True)
class NewIssue:
    project: Project
    subject: str


async def split_create_words(redmine: Redmine, words: str) -> NewIssue:
    """`[project] subject`: the first word is the project when it names one the user sees.

    Without one, a user who can see exactly one project gets it; others are asked which.
    """
    first, _, rest = words.strip().partition(" ")
    projects = await visible_projects(redmine)
    project = match_project(projects, first) if rest.strip() else None
    subject = rest.strip() if project else words.strip()
    if project is None:
        if len(projects) == 1:
            project = projects[0]
        else:
            known = ", ".join(f"`{p.identifier}`" for p in projects[:15]) or "none"
            raise CommandError(
                f"Which project? Start with its identifier: `/redmine create <project> {subject}`. "
                f"Your projects: {known}."
            )
    if not subject:
        raise CommandError("The issue needs a subject: `/redmine create <project> <subject>`.")
    if len(subject) > SUBJECT_LIMIT:
        raise CommandError(
            f"The subject is {len(subject)} characters; Redmine takes at most {SUBJECT_LIMIT}."
        )
    return NewIssue(project, subject)


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
        raise CommandError("The note is empty.")
    await redmine.issues.add_note(issue_id, note, private=private)


async def my_open_issues(redmine: Redmine) -> list[Issue]:
    issues, _ = await redmine.issues.page(
        assigned_to_id="me", status_id="open", sort="updated_on:desc", limit=MINE_LIMIT
    )
    return issues
