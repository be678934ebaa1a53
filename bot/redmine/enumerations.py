"""Rarely changing reference data, read through the TTL cache.

Trackers, issue statuses, enumerations (priorities, time entry activities, document
categories), roles and custom fields change perhaps once a month, and every command
needs them, so they are cached per acting user for the cache's TTL.
"""

from __future__ import annotations

from bot.redmine.base import ResourceGroup
from bot.redmine.models import CustomField, EnumerationItem, IssueStatus, Role, Tracker

TRACKERS = "/trackers.json"
ISSUE_STATUSES = "/issue_statuses.json"
PRIORITIES = "/enumerations/issue_priorities.json"
ACTIVITIES = "/enumerations/time_entry_activities.json"
DOCUMENT_CATEGORIES = "/enumerations/document_categories.json"
ROLES = "/roles.json"
ROLE = "/roles/{id}.json"
CUSTOM_FIELDS = "/custom_fields.json"


class Trackers(ResourceGroup):
    async def all(self) -> list[Tracker]:
        body = await self.client.get_cached(TRACKERS)
        return [Tracker.model_validate(item) for item in body.get("trackers", [])]


class IssueStatuses(ResourceGroup):
    async def all(self) -> list[IssueStatus]:
        body = await self.client.get_cached(ISSUE_STATUSES)
        return [IssueStatus.model_validate(item) for item in body.get("issue_statuses", [])]


class Enumerations(ResourceGroup):
    async def _items(self, path: str, key: str) -> list[EnumerationItem]:
        body = await self.client.get_cached(path)
        return [EnumerationItem.model_validate(item) for item in body.get(key, [])]

    async def priorities(self) -> list[EnumerationItem]:
        return await self._items(PRIORITIES, "issue_priorities")

    async def activities(self) -> list[EnumerationItem]:
        """System-wide time entry activities; a project's own list is on the project."""
        return await self._items(ACTIVITIES, "time_entry_activities")

    async def document_categories(self) -> list[EnumerationItem]:
        return await self._items(DOCUMENT_CATEGORIES, "document_categories")


class Roles(ResourceGroup):
    async def all(self) -> list[Role]:
        body = await self.client.get_cached(ROLES)
        return [Role.model_validate(item) for item in body.get("roles", [])]

    async def get(self, role_id: int) -> Role:
        body = await self.client.get_cached(ROLE.format(id=role_id))
        return Role.model_validate(body["role"])


class CustomFields(ResourceGroup):
    async def all(self) -> list[CustomField]:
        """Every custom field definition (admin only)."""
        body = await self.client.get_cached(CUSTOM_FIELDS)
        return [CustomField.model_validate(item) for item in body.get("custom_fields", [])]
