"""Choices for the forms' selects, as (label, value) pairs, from cached Redmine data."""

from __future__ import annotations

from bot.actions.projects import visible_projects
from bot.redmine import Redmine
from bot.redmine.models import Project, Ref

Choice = tuple[str, str]


async def project_choices(redmine: Redmine) -> list[Choice]:
    return [(p.name, str(p.id)) for p in await visible_projects(redmine)]


async def project_details(redmine: Redmine, project_id: int) -> Project:
    return await redmine.projects.get_cached(project_id)


async def tracker_choices(redmine: Redmine, project_id: int | None) -> list[Choice]:
    if project_id is None:
        return [(t.name, str(t.id)) for t in await redmine.trackers.all()]
    project = await project_details(redmine, project_id)
    return [(t.name, str(t.id)) for t in project.trackers]


async def priority_choices(redmine: Redmine) -> list[Choice]:
    items = await redmine.enumerations.priorities()
    return [(p.name + (" (default)" if p.is_default else ""), str(p.id)) for p in items if p.active]


async def assignable_members(redmine: Redmine, project_id: int) -> list[Ref]:
    """Users (not groups) holding an assignable role in the project."""
    memberships = await redmine.memberships.of_project(project_id)
    roles = {r.id: r for r in await redmine.roles.all()}
    assignable_ids = set()
    for role_id in roles:
        role = await redmine.roles.get(role_id)
        if role.assignable is not False:
            assignable_ids.add(role_id)
    members: dict[int, Ref] = {}
    for membership in memberships:
        if membership.user and any(r.id in assignable_ids for r in membership.roles):
            members[membership.user.id] = membership.user
    return sorted(members.values(), key=lambda ref: ref.name.lower())


async def assignee_choices(redmine: Redmine, project_id: int | None) -> list[Choice]:
    if project_id is None:
        return []
    return [(ref.name, str(ref.id)) for ref in await assignable_members(redmine, project_id)]
