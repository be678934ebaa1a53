"""What the acting person's roles let them do in a project, as Redmine decides it.

Redmine grants a permission in a project through the person's roles there (their
memberships), or, in a public project they are not a member of, through the built-in
"Non member" role; an administrator may do everything. Redmine's REST API has no "may I"
call, so this reads the person's memberships (`users/current.json?include=memberships`,
cached per person) and the roles' permissions (`roles/:id.json`, cached).

Some writes need this before they are sent, because Redmine drops a field the person
may not set and still answers 204 (safe attributes): a note marked private by someone
without `set_notes_private` would be saved as a public note.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.redmine import Redmine
from bot.redmine.errors import RedmineHTTPError
from bot.redmine.models import Project

log = logging.getLogger(__name__)

ADD_ISSUES = "add_issues"
SET_NOTES_PRIVATE = "set_notes_private"
# Redmine's built-in "Non member" role (created by its first migrations, id 1): what a
# person may do in a public project they are not a member of.
NON_MEMBER_ROLE_ID = 1


async def role_allows(redmine: Redmine, role_id: int, permission: str) -> bool:
    try:
        role = await redmine.roles.get(role_id)
    except RedmineHTTPError as error:
        log.info("role %s unreadable: %s", role_id, error)
        return False
    return permission in role.permissions


@dataclass(frozen=True)
class MyRoles:
    admin: bool
    by_project: dict[int, set[int]]  # project id -> the person's role ids there

    def in_project(self, project: Project) -> set[int]:
        """The roles that count in `project`: the person's, else Non member if public."""
        roles = self.by_project.get(project.id)
        if roles is not None:
            return roles
        return {NON_MEMBER_ROLE_ID} if project.is_public else set()


async def my_roles(redmine: Redmine) -> MyRoles:
    me = await redmine.users.current_with_memberships()
    by_project: dict[int, set[int]] = {}
    for membership in me.memberships:
        project_id = int(membership["project"]["id"])
        by_project.setdefault(project_id, set()).update(
            int(r["id"]) for r in membership.get("roles") or []
        )
    return MyRoles(admin=me.admin, by_project=by_project)


async def roles_allowing(redmine: Redmine, role_ids: set[int], permission: str) -> set[int]:
    allowed = await asyncio.gather(*(role_allows(redmine, r, permission) for r in role_ids))
    return {role for role, ok in zip(role_ids, allowed, strict=True) if ok}


async def may(redmine: Redmine, project_id: int, permission: str) -> bool:
    """Whether the acting person holds `permission` in the project."""
    roles = await my_roles(redmine)
    if roles.admin:
        return True
    role_ids = roles.by_project.get(project_id)
    if role_ids is None:  # not a member: Non member, where the project is public
        role_ids = roles.in_project(await redmine.projects.get_cached(project_id))
    return bool(await roles_allowing(redmine, role_ids, permission))
