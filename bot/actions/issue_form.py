"""What the shortcut forms offer, read as the acting user from cached Redmine data.

- the projects a person may add issues to (their roles' `add_issues` permission);
- a project's trackers, assignable members, categories, open versions, and the custom
  fields Redmine will insist on for a tracker;
- the issues a person is likely to mean (assigned to them, or theirs), for pickers;
- an issue checked for visibility before a form is accepted.
"""

from __future__ import annotations

import asyncio
import logging

from bot.actions.choices import assignable_members
from bot.actions.errors import UserFacingError
from bot.actions.permissions import ADD_ISSUES, NON_MEMBER_ROLE_ID, my_roles, roles_allowing
from bot.actions.projects import visible_projects
from bot.domain.issue_fields import IssueFields
from bot.i18n import _
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError, RedmineHTTPError
from bot.redmine.models import CustomField, Issue, Project, Version

log = logging.getLogger(__name__)

PICK_LIMIT = 25


async def issue_projects(redmine: Redmine) -> list[Project]:
    """Visible projects where the acting user may add issues (all of them for an admin)."""
    projects = await visible_projects(redmine)
    roles = await my_roles(redmine)
    if roles.admin:
        return projects
    every_role = {r for ids in roles.by_project.values() for r in ids} | {NON_MEMBER_ROLE_ID}
    may_add = await roles_allowing(redmine, every_role, ADD_ISSUES)
    return [project for project in projects if roles.in_project(project) & may_add]


async def project_for_issues(redmine: Redmine, project_id: int) -> Project:
    return await redmine.projects.get_cached(project_id)


async def required_custom_fields(
    definitions: Redmine | None, project: Project, tracker_id: int | None
) -> list[CustomField]:
    """Issue custom fields Redmine requires in this project for this tracker.

    Only an administrator may read field definitions (`/custom_fields.json`), so
    `definitions` is the service's own view, used for these definitions and nothing
    else; without one (personal-keys mode) Redmine's own 422 names a missing field.
    """
    if definitions is None or tracker_id is None:
        return []
    enabled = {
        int(cf["id"])
        for cf in (project.model_extra or {}).get("issue_custom_fields") or []
        if isinstance(cf, dict) and "id" in cf
    }
    try:
        every = await definitions.custom_fields.all()
    except RedmineHTTPError as error:
        log.info("custom field definitions unreadable: %s", error)
        return []
    return [
        cf
        for cf in every
        if cf.customized_type == "issue"
        and cf.is_required
        and cf.id in enabled
        and any(t.id == tracker_id for t in cf.trackers)
    ]


async def issue_fields(
    redmine: Redmine,
    project_id: int,
    tracker_id: int | None,
    *,
    definitions: Redmine | None,
) -> IssueFields:
    project = await project_for_issues(redmine, project_id)
    tracker_ids = [t.id for t in project.trackers]
    if tracker_id not in tracker_ids:
        tracker_id = tracker_ids[0] if tracker_ids else None
    priorities, members, versions, required = await asyncio.gather(
        redmine.enumerations.priorities(),
        assignable_members(redmine, project_id),
        _open_versions(redmine, project_id),
        required_custom_fields(definitions, project, tracker_id),
    )
    return IssueFields(
        project=project,
        tracker_id=tracker_id,
        priorities=[p for p in priorities if p.active],
        members=members,
        categories=project.issue_categories,
        versions=versions,
        required=required,
    )


async def _open_versions(redmine: Redmine, project_id: int) -> list[Version]:
    versions = await redmine.versions.all_cached(project_id)
    return [v for v in versions if v.status in (None, "open")]


# -- issues a form refers to ------------------------------------------------------------


def no_such_issue(issue_id: int) -> str:
    return _("There is no issue #{id} that you can see in Redmine.", id=issue_id)


async def visible_issue(redmine: Redmine, issue_id: int, *, include: tuple[str, ...] = ()) -> Issue:
    """The issue as the acting user sees it; UserFacingError when it is missing or hidden."""
    try:
        return await redmine.issues.get(issue_id, include=include)
    except (NotFoundError, ForbiddenError):
        raise UserFacingError(no_such_issue(issue_id)) from None


async def issue_picks(redmine: Redmine) -> list[Issue]:
    """Open issues assigned to the person, then their own recent ones, newest first."""
    assigned, authored = await asyncio.gather(
        redmine.issues.page(
            assigned_to_id="me", status_id="open", sort="updated_on:desc", limit=PICK_LIMIT
        ),
        redmine.issues.page(
            author_id="me", status_id="*", sort="updated_on:desc", limit=PICK_LIMIT
        ),
    )
    seen: set[int] = set()
    picks = []
    for issue in [*assigned[0], *authored[0]]:
        if issue.id not in seen:
            seen.add(issue.id)
            picks.append(issue)
    return picks
