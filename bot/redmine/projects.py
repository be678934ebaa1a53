"""Projects and their memberships."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import EnumerationItem, Membership, Project

PROJECTS = "/projects.json"
PROJECT = "/projects/{id}.json"
ARCHIVE = "/projects/{id}/archive.json"
UNARCHIVE = "/projects/{id}/unarchive.json"
MEMBERSHIPS = "/projects/{project}/memberships.json"
MEMBERSHIP = "/memberships/{id}.json"

PROJECT_INCLUDES = frozenset(
    {
        "trackers",
        "issue_categories",
        "enabled_modules",
        "time_entry_activities",
        "issue_custom_fields",
    }
)
# One cache entry per project: the fullest include is read once and every narrower need
# (trackers, categories, activities, custom fields) is served from it.
CACHED_PROJECT_INCLUDE = ",".join(sorted(PROJECT_INCLUDES))
FIRST_PAGE = 100


class Projects(ResourceGroup):
    async def all(self, *, include: Iterable[str] = (), **filters: Any) -> AsyncIterator[Project]:
        """Projects the acting user can see."""
        params = {"include": ",".join(include) or None, **filters}
        async for item in self.client.paginate(PROJECTS, "projects", params):
            yield Project.model_validate(item)

    async def get(self, project: int | str, *, include: Iterable[str] = ()) -> Project:
        """`project` is an id or identifier."""
        body = await self.client.get(
            PROJECT.format(id=project), {"include": ",".join(include) or None}
        )
        return Project.model_validate(body["project"])

    async def get_cached(self, project: int | str) -> Project:
        """`get` with every include, through the TTL cache (per acting user), for forms."""
        body = await self.client.get_cached(
            PROJECT.format(id=project), {"include": CACHED_PROJECT_INCLUDE}
        )
        return Project.model_validate(body["project"])

    async def activities_cached(self, project: int | str) -> list[EnumerationItem]:
        """The project's own time entry activities (empty when it has none), cached."""
        project_data = await self.get_cached(project)
        return [
            EnumerationItem.model_validate(activity.model_dump())
            for activity in project_data.time_entry_activities
        ]

    async def visible_cached(self) -> list[Project]:
        """Every project the acting user can see; the first page through the TTL cache.

        Most installations have fewer than a page of projects, so one cached read serves
        them; past that every page is read.
        """
        body = await self.client.get_cached(PROJECTS, {"limit": FIRST_PAGE})
        projects = [Project.model_validate(p) for p in body.get("projects", [])]
        if int(body.get("total_count", len(projects))) > len(projects):
            projects = [p async for p in self.all()]
        return projects

    async def create(self, **fields: Any) -> Project:
        return await self.create_one(PROJECTS, "project", Project, fields)

    async def update(self, project: int | str, **fields: Any) -> None:
        await self.client.put(PROJECT.format(id=project), {"project": fields})

    async def delete(self, project: int | str) -> None:
        await self.client.delete(PROJECT.format(id=project))

    async def archive(self, project: int | str) -> None:
        await self.client.put(ARCHIVE.format(id=project))

    async def unarchive(self, project: int | str) -> None:
        await self.client.put(UNARCHIVE.format(id=project))


class Memberships(ResourceGroup):
    async def all(self, project: int | str) -> AsyncIterator[Membership]:
        async for item in self.client.paginate(MEMBERSHIPS.format(project=project), "memberships"):
            yield Membership.model_validate(item)

    async def of_project(self, project: int | str) -> list[Membership]:
        """Every membership of the project, all pages (not only the first 100), cached."""
        items = await self.client.collect_cached(MEMBERSHIPS.format(project=project), "memberships")
        return [Membership.model_validate(item) for item in items]

    async def get(self, membership_id: int) -> Membership:
        return await self.read_one(MEMBERSHIP.format(id=membership_id), "membership", Membership)

    async def create(self, project: int | str, *, user_id: int, role_ids: list[int]) -> Membership:
        body = await self.client.post(
            MEMBERSHIPS.format(project=project),
            {"membership": {"user_id": user_id, "role_ids": role_ids}},
        )
        return Membership.model_validate(body["membership"])

    async def update(self, membership_id: int, *, role_ids: list[int]) -> None:
        await self.client.put(
            MEMBERSHIP.format(id=membership_id), {"membership": {"role_ids": role_ids}}
        )

    async def delete(self, membership_id: int) -> None:
        await self.client.delete(MEMBERSHIP.format(id=membership_id))
