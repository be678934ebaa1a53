"""Finding the project a person means, among those they can see."""

from __future__ import annotations

from bot.commands.errors import CommandError
from bot.redmine import Redmine
from bot.redmine.models import Project


async def visible_projects(redmine: Redmine) -> list[Project]:
    """Active projects the acting user can see; cached per user (they rarely change)."""
    body = await redmine.client.get_cached("/projects.json", {"limit": 100})
    projects = [Project.model_validate(p) for p in body.get("projects", [])]
    total = int(body.get("total_count", len(projects)))
    if total > len(projects):  # more than one page: fetch them all (rare, still cached below)
        projects = [p async for p in redmine.projects.all()]
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
        known = ", ".join(f"`{p.identifier}`" for p in projects[:15]) or "none"
        raise CommandError(
            f"I can't find a project `{word}` that you can see in Redmine. Your projects: {known}."
        )
    return project
