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
        body = await self.client.get(PROJECT_VERSIONS.format(project=project))
        return [Version.model_validate(v) for v in body.get("versions", [])]

    async def all_cached(self, project: int | str) -> list[Version]:
        """`all` through the TTL cache (per acting user), for forms."""
        body = await self.client.get_cached(PROJECT_VERSIONS.format(project=project))
        return [Version.model_validate(v) for v in body.get("versions", [])]

    async def get(self, version_id: int) -> Version:
        body = await self.client.get(VERSION.format(id=version_id))
        return Version.model_validate(body["version"])

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
        body = await self.client.get(PROJECT_CATEGORIES.format(project=project))
        return [IssueCategory.model_validate(c) for c in body.get("issue_categories", [])]

    async def get(self, category_id: int) -> IssueCategory:
        body = await self.client.get(CATEGORY.format(id=category_id))
        return IssueCategory.model_validate(body["issue_category"])

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
