"""Typed views of what the bot reads from Redmine. Unknown fields are kept, never fatal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Redmine's ids are 32-bit integers in its database.
MAX_ID = 2**31 - 1


class RedmineModel(BaseModel):
    # Redmine adds fields between versions and plugins add more: keep them, never fail.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Ref(RedmineModel):
    """A reference to another object as Redmine embeds it: `{"id": 3, "name": "Bug"}`."""

    id: int
    name: str = ""


class CustomFieldValue(RedmineModel):
    id: int
    name: str = ""
    multiple: bool = False
    value: str | list[str] | None = None

    @property
    def values(self) -> list[str]:
        if self.value is None:
            return []
        return list(self.value) if isinstance(self.value, list) else [self.value]


class Attachment(RedmineModel):
    id: int
    filename: str = ""
    filesize: int = 0
    content_type: str | None = None
    description: str | None = None
    content_url: str | None = None
    author: Ref | None = None
    created_on: datetime | None = None


class JournalDetail(RedmineModel):
    property: str  # attr | cf | attachment | relation
    name: str
    old_value: str | None = None
    new_value: str | None = None


class Journal(RedmineModel):
    id: int
    user: Ref | None = None
    notes: str | None = None
    created_on: datetime | None = None
    private_notes: bool = False
    details: list[JournalDetail] = Field(default_factory=list)


class Issue(RedmineModel):
    id: int
    project: Ref
    tracker: Ref | None = None
    status: Ref | None = None
    priority: Ref | None = None
    author: Ref | None = None
    assigned_to: Ref | None = None
    category: Ref | None = None
    fixed_version: Ref | None = None
    parent: dict[str, Any] | None = None
    subject: str = ""
    description: str | None = None
    start_date: date | None = None
    due_date: date | None = None
    done_ratio: int | None = None
    is_private: bool = False
    estimated_hours: float | None = None
    spent_hours: float | None = None
    custom_fields: list[CustomFieldValue] = Field(default_factory=list)
    created_on: datetime | None = None
    updated_on: datetime | None = None
    closed_on: datetime | None = None
    journals: list[Journal] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    watchers: list[Ref] = Field(default_factory=list)
    # Only with include=allowed_statuses: where the reading user may move the issue.
    allowed_statuses: list[Ref] = Field(default_factory=list)
    relations: list[dict[str, Any]] = Field(default_factory=list)
    children: list[dict[str, Any]] = Field(default_factory=list)


class Project(RedmineModel):
    id: int
    name: str
    identifier: str
    description: str | None = None
    homepage: str | None = None
    status: int | None = None
    is_public: bool = True
    parent: Ref | None = None
    trackers: list[Ref] = Field(default_factory=list)
    issue_categories: list[Ref] = Field(default_factory=list)
    enabled_modules: list[Ref] = Field(default_factory=list)
    time_entry_activities: list[Ref] = Field(default_factory=list)
    custom_fields: list[CustomFieldValue] = Field(default_factory=list)
    created_on: datetime | None = None
    updated_on: datetime | None = None


class User(RedmineModel):
    id: int
    login: str = ""
    firstname: str = ""
    lastname: str = ""
    mail: str | None = None
    admin: bool = False
    status: int | None = None  # 1 active, 2 registered, 3 locked
    created_on: datetime | None = None
    last_login_on: datetime | None = None
    memberships: list[dict[str, Any]] = Field(default_factory=list)
    groups: list[Ref] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.firstname} {self.lastname}".strip() or self.login

    @property
    def is_active(self) -> bool:
        return self.status in (None, 1)


class Membership(RedmineModel):
    id: int
    project: Ref
    user: Ref | None = None
    group: Ref | None = None
    roles: list[Ref] = Field(default_factory=list)

    @property
    def principal(self) -> Ref | None:
        return self.user or self.group


class TimeEntry(RedmineModel):
    id: int
    project: Ref
    issue: dict[str, Any] | None = None
    user: Ref | None = None
    activity: Ref | None = None
    hours: float
    comments: str | None = None
    spent_on: date | None = None
    created_on: datetime | None = None


class SearchResult(RedmineModel):
    id: int
    title: str
    type: str
    url: str
    description: str | None = None
    datetime: str | None = None


class EnumerationItem(RedmineModel):
    id: int
    name: str
    is_default: bool = False
    active: bool = True


class Tracker(RedmineModel):
    id: int
    name: str
    default_status: Ref | None = None
    description: str | None = None
    enabled_standard_fields: list[str] = Field(default_factory=list)


class IssueStatus(RedmineModel):
    id: int
    name: str
    is_closed: bool = False


class Version(RedmineModel):
    id: int
    project: Ref | None = None
    name: str
    description: str | None = None
    status: str | None = None
    due_date: date | None = None
    sharing: str | None = None


class IssueCategory(RedmineModel):
    id: int
    project: Ref | None = None
    name: str
    assigned_to: Ref | None = None


class IssueRelation(RedmineModel):
    id: int
    issue_id: int
    issue_to_id: int
    relation_type: str
    delay: int | None = None


class Role(RedmineModel):
    id: int
    name: str
    permissions: list[str] = Field(default_factory=list)
    assignable: bool | None = None


class Group(RedmineModel):
    id: int
    name: str
    users: list[Ref] = Field(default_factory=list)
    memberships: list[dict[str, Any]] = Field(default_factory=list)


class News(RedmineModel):
    id: int
    project: Ref | None = None
    author: Ref | None = None
    title: str
    summary: str | None = None
    description: str | None = None
    created_on: datetime | None = None


class WikiPageIndexEntry(RedmineModel):
    title: str
    version: int | None = None
    parent: dict[str, Any] | None = None
    project: Ref | None = None  # Redmine 7.0 and newer
    created_on: datetime | None = None
    updated_on: datetime | None = None


class WikiPage(RedmineModel):
    title: str
    text: str = ""
    version: int | None = None
    author: Ref | None = None
    comments: str | None = None
    parent: dict[str, Any] | None = None
    project: Ref | None = None  # Redmine 7.0 and newer
    created_on: datetime | None = None
    updated_on: datetime | None = None
    attachments: list[Attachment] = Field(default_factory=list)


class Query(RedmineModel):
    id: int
    name: str
    is_public: bool = False
    project_id: int | None = None


class CustomField(RedmineModel):
    id: int
    name: str
    customized_type: str = ""
    field_format: str = ""
    is_required: bool = False
    multiple: bool = False
    default_value: str | None = None
    possible_values: list[dict[str, Any]] = Field(default_factory=list)
    trackers: list[Ref] = Field(default_factory=list)
    roles: list[Ref] = Field(default_factory=list)
    visible: bool = True
    # Redmine 7.0 and newer: whether an issue field is for every project, else which ones.
    is_for_all: bool | None = None
    projects: list[Ref] = Field(default_factory=list)


class ProjectFile(RedmineModel):
    id: int
    filename: str
    filesize: int = 0
    content_type: str | None = None
    description: str | None = None
    content_url: str | None = None
    author: Ref | None = None
    version: Ref | None = None
    digest: str | None = None
    downloads: int = 0
    created_on: datetime | None = None


class Upload(RedmineModel):
    id: int | None = None
    token: str
