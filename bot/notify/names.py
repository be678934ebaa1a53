"""Resolve the ids in journal details to names, with cached Redmine look-ups.

`prepare()` fetches what a batch of journals needs (reference data from the adapter's
TTL cache; users, versions, categories and projects one by one, remembered for the
process' lifetime in a TTL cache); the lookups the event table calls are then plain dict reads.
The cache is shared by every channel and DM, whatever their language: an id Redmine would
not name is kept as "", and worded ("user #5") when it is read, in the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import RedmineError
from bot.redmine.models import Issue

log = logging.getLogger(__name__)

NAME_TTL = 3600.0


async def _user_name(redmine: Redmine, user_id: int) -> str:
    user = await redmine.users.get(user_id)
    return user.name


async def _version_name(redmine: Redmine, version_id: int) -> str:
    return (await redmine.versions.get(version_id)).name


async def _category_name(redmine: Redmine, category_id: int) -> str:
    return (await redmine.issue_categories.get(category_id)).name


async def _project_name(redmine: Redmine, project_id: int) -> str:
    return (await redmine.projects.get(project_id)).name


# Each kind of id is read through the adapter's resource group (the only door to Redmine).
_LOADERS: dict[str, Callable[[Redmine, int], Awaitable[str]]] = {
    "user": _user_name,
    "version": _version_name,
    "category": _category_name,
    "project": _project_name,
}
# What each kind of id is called when Redmine would not name it.
_UNNAMED = {
    "user": N_("user #{id}"),
    "version": N_("version #{id}"),
    "category": N_("category #{id}"),
    "project": N_("project #{id}"),
}
_DETAIL_KIND = {
    "assigned_to_id": "user",
    "fixed_version_id": "version",
    "category_id": "category",
    "project_id": "project",
}


class RedmineNames:
    def __init__(self, redmine: Redmine) -> None:
        self._redmine = redmine
        self._cache = TTLCache(NAME_TTL)
        self._statuses: dict[str, tuple[str, bool]] = {}
        self._trackers: dict[str, str] = {}
        self._priorities: dict[str, str] = {}
        self._custom_fields: dict[str, str] = {}
        self._named: dict[tuple[str, str], str] = {}

    async def prepare(self, issues: Iterable[Issue]) -> None:
        self._statuses = {
            str(s.id): (s.name, s.is_closed) for s in await self._redmine.issue_statuses.all()
        }
        self._trackers = {str(t.id): t.name for t in await self._redmine.trackers.all()}
        self._priorities = {
            str(p.id): p.name for p in await self._redmine.enumerations.priorities()
        }
        wanted: set[tuple[str, str]] = set()
        needs_custom_fields = False
        for issue in issues:
            for journal in issue.journals:
                for detail in journal.details:
                    if detail.property == "cf":
                        needs_custom_fields = True
                    kind = _DETAIL_KIND.get(detail.name) if detail.property == "attr" else None
                    if kind:
                        wanted.update((kind, v) for v in (detail.old_value, detail.new_value) if v)
        if needs_custom_fields and not self._custom_fields:
            try:
                self._custom_fields = {
                    str(f.id): f.name for f in await self._redmine.custom_fields.all()
                }
            except RedmineError:  # only admins may list them; fall back to "Custom field N"
                self._custom_fields = {}
        for kind, item_id in wanted:
            self._named[(kind, item_id)] = await self._load(kind, item_id)

    async def _load(self, kind: str, item_id: str) -> str:
        load = _LOADERS[kind]

        async def fetch() -> str:
            if not item_id.isdigit():  # journal ids are numbers; anything else is not looked up
                return ""
            try:
                return await load(self._redmine, int(item_id))
            except RedmineError as error:
                log.info("cannot resolve %s %s: %s", kind, item_id, error)
                return ""

        name: str = await self._cache.get_or_load((kind, item_id), fetch)
        return name

    def status(self, status_id: str | None) -> str:
        return self._statuses.get(status_id or "", ("", False))[0] if status_id else ""

    def is_closed(self, status_id: str | None) -> bool:
        return self._statuses.get(status_id or "", ("", False))[1]

    def tracker(self, tracker_id: str | None) -> str:
        return self._trackers.get(tracker_id or "", "") if tracker_id else ""

    def priority(self, priority_id: str | None) -> str:
        return self._priorities.get(priority_id or "", "") if priority_id else ""

    def _get(self, kind: str, item_id: str | None) -> str:
        if not item_id:
            return ""
        return self._named.get((kind, item_id)) or _(_UNNAMED[kind], id=item_id)

    def user(self, user_id: str | None) -> str:
        return self._get("user", user_id)

    def version(self, version_id: str | None) -> str:
        return self._get("version", version_id)

    def category(self, category_id: str | None) -> str:
        return self._get("category", category_id)

    def project(self, project_id: str | None) -> str:
        return self._get("project", project_id)

    def custom_field(self, field_id: str) -> str:
        return self._custom_fields.get(field_id) or _("Custom field {id}", id=field_id)
