"""Choices for the forms' selects, as (label, value) pairs, from cached Redmine data."""

from __future__ import annotations

from bot.redmine import Redmine
from bot.redmine.models import Ref

Choice = tuple[str, str]


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
