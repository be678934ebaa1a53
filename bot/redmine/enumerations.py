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
        return await self.read_list(TRACKERS, "trackers", Tracker, cached=True)


class IssueStatuses(ResourceGroup):
    async def all(self) -> list[IssueStatus]:
        return await self.read_list(ISSUE_STATUSES, "issue_statuses", IssueStatus, cached=True)


class Enumerations(ResourceGroup):
    async def _items(self, path: str, key: str) -> list[EnumerationItem]:
        return await self.read_list(path, key, EnumerationItem, cached=True)

    async def priorities(self) -> list[EnumerationItem]:
        return await self._items(PRIORITIES, "issue_priorities")

    async def activities(self) -> list[EnumerationItem]:
        """System-wide time entry activities; a project's own list is on the project."""
        return await self._items(ACTIVITIES, "time_entry_activities")

    async def document_categories(self) -> list[EnumerationItem]:
        return await self._items(DOCUMENT_CATEGORIES, "document_categories")


class Roles(ResourceGroup):
    async def all(self) -> list[Role]:
        return await self.read_list(ROLES, "roles", Role, cached=True)

    async def get(self, role_id: int) -> Role:
        return await self.read_one(ROLE.format(id=role_id), "role", Role, cached=True)


class CustomFields(ResourceGroup):
    async def all(self) -> list[CustomField]:
        """Every custom field definition (admin only)."""
        return await self.read_list(CUSTOM_FIELDS, "custom_fields", CustomField, cached=True)
