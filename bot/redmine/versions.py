"""Versions and issue categories of a project."""

from __future__ import annotations

from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import IssueCategory, Version

PROJECT_VERSIONS = "/projects/{project}/versions.json"
VERSION = "/versions/{id}.json"
PROJECT_CATEGORIES = "/projects/{project}/issue_categories.json"
CATEGORY = "/issue_categories/{id}.json"


class Versions(ResourceGroup):
    async def all(self, project: int | str) -> list[Version]:
        """Versions of the project, including shared ones (one page: Redmine does not page these)."""
        return await self.read_list(PROJECT_VERSIONS.format(project=project), "versions", Version)

    async def all_cached(self, project: int | str) -> list[Version]:
        """`all` through the TTL cache (per acting user), for forms."""
        body = await self.client.get_cached(PROJECT_VERSIONS.format(project=project))
        return [Version.model_validate(v) for v in body.get("versions", [])]

    async def get(self, version_id: int) -> Version:
        return await self.read_one(VERSION.format(id=version_id), "version", Version)

    async def create(self, project: int | str, *, name: str, **fields: Any) -> Version:
        body = await self.client.post(
            PROJECT_VERSIONS.format(project=project), {"version": {"name": name, **fields}}
        )
        return Version.model_validate(body["version"])

    async def update(self, version_id: int, **fields: Any) -> None:
        await self.client.put(VERSION.format(id=version_id), {"version": fields})

    async def delete(self, version_id: int) -> None:
        await self.client.delete(VERSION.format(id=version_id))


class IssueCategories(ResourceGroup):
    async def all(self, project: int | str) -> list[IssueCategory]:
        return await self.read_list(
            PROJECT_CATEGORIES.format(project=project), "issue_categories", IssueCategory
        )

    async def get(self, category_id: int) -> IssueCategory:
        return await self.read_one(CATEGORY.format(id=category_id), "issue_category", IssueCategory)

    async def create(
        self, project: int | str, *, name: str, assigned_to_id: int | None = None
    ) -> IssueCategory:
        category: dict[str, Any] = {"name": name}
        if assigned_to_id is not None:
            category["assigned_to_id"] = assigned_to_id
        body = await self.client.post(
            PROJECT_CATEGORIES.format(project=project), {"issue_category": category}
        )
        return IssueCategory.model_validate(body["issue_category"])

    async def update(self, category_id: int, **fields: Any) -> None:
        await self.client.put(CATEGORY.format(id=category_id), {"issue_category": fields})

    async def delete(self, category_id: int, *, reassign_to_id: int | None = None) -> None:
        await self.client.delete(
            CATEGORY.format(id=category_id), {"reassign_to_id": reassign_to_id}
        )
