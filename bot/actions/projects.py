"""Finding the project a person means, among those they can see."""

from __future__ import annotations

from bot.actions.errors import UserFacingError
from bot.i18n import _
from bot.redmine import Redmine
from bot.redmine.models import Project


async def visible_projects(redmine: Redmine) -> list[Project]:
    """Active projects the acting user can see; cached per user (they rarely change)."""
    projects = await redmine.projects.visible_cached()
    return [p for p in projects if p.status in (None, 1)]


def match_project(projects: list[Project], word: str) -> Project | None:
    """By identifier, id or exact name (case-insensitive)."""
    wanted = word.strip().lower()
    for project in projects:
        if wanted in (project.identifier.lower(), str(project.id), project.name.lower()):
            return project
    return None


async def find_project(redmine: Redmine, word: str) -> Project:
    projects = await visible_projects(redmine)
    project = match_project(projects, word)
    if project is None:
        known = ", ".join(f"`{p.identifier}`" for p in projects[:15]) or _("none")
        raise UserFacingError(
            _(
                "I can't find a project `{project}` that you can see in Redmine. Your "
                "projects: {projects}.",
                project=word,
                projects=known,
            )
        )
    return project
