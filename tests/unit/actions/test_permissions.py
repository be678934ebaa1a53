"""What the acting person may do in a project: their roles there, else Non member in a
public project, and everything for an administrator (Redmine's own rule)."""

from __future__ import annotations

from typing import Any

import respx

from bot.actions.permissions import SET_NOTES_PRIVATE, may
from bot.redmine import Redmine

URL = "http://redmine.test"


def me(*, admin: bool = False, memberships: list[dict[str, Any]] | None = None) -> None:
    user = {"id": 5, "login": "bob", "admin": admin, "memberships": memberships or []}
    respx.get(f"{URL}/users/current.json").respond(200, json={"user": user})


def role(role_id: int, *permissions: str) -> None:
    body = {"role": {"id": role_id, "name": f"R{role_id}", "permissions": list(permissions)}}
    respx.get(f"{URL}/roles/{role_id}.json").respond(200, json=body)


def member_of(project_id: int, *role_ids: int) -> dict[str, Any]:
    return {
        "project": {"id": project_id, "name": "Alpha"},
        "roles": [{"id": r, "name": f"R{r}"} for r in role_ids],
    }


@respx.mock
async def test_a_members_roles_decide(redmine: Redmine) -> None:
    me(memberships=[member_of(1, 4, 5)])
    role(4, "add_issue_notes")
    role(5, "view_issues", SET_NOTES_PRIVATE)
    assert await may(redmine, 1, SET_NOTES_PRIVATE)


@respx.mock
async def test_no_role_with_the_permission_is_a_no(redmine: Redmine) -> None:
    me(memberships=[member_of(1, 4)])
    role(4, "add_issue_notes")
    role(1, SET_NOTES_PRIVATE)  # Non member does not count for a member
    assert not await may(redmine, 1, SET_NOTES_PRIVATE)


@respx.mock
async def test_a_public_project_grants_non_member_permissions_only(redmine: Redmine) -> None:
    me(memberships=[])
    role(1, SET_NOTES_PRIVATE)
    project = {"id": 2, "name": "Open", "identifier": "open", "is_public": True}
    respx.get(f"{URL}/projects/2.json").respond(200, json={"project": project})
    assert await may(redmine, 2, SET_NOTES_PRIVATE)
    closed = {**project, "id": 3, "is_public": False}
    respx.get(f"{URL}/projects/3.json").respond(200, json={"project": closed})
    assert not await may(redmine, 3, SET_NOTES_PRIVATE)


@respx.mock
async def test_an_administrator_may_everything(redmine: Redmine) -> None:
    me(admin=True)
    assert await may(redmine, 9, SET_NOTES_PRIVATE)


@respx.mock
async def test_an_unreadable_role_grants_nothing(redmine: Redmine) -> None:
    me(memberships=[member_of(1, 4)])
    respx.get(f"{URL}/roles/4.json").respond(403)
    assert not await may(redmine, 1, SET_NOTES_PRIVATE)
