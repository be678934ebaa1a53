"""Time entries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import TimeEntry

TIME_ENTRIES = "/time_entries.json"
TIME_ENTRY = "/time_entries/{id}.json"


class TimeEntries(ResourceGroup):
    async def all(self, **filters: Any) -> AsyncIterator[TimeEntry]:
        """Filters: `project_id`, `issue_id`, `user_id`, `spent_on`, `from`, `to`."""
        async for item in self.client.paginate(TIME_ENTRIES, "time_entries", filters):
            yield TimeEntry.model_validate(item)

    async def spent_by(
        self, user_id: int | str, start: date, end: date
    ) -> AsyncIterator[TimeEntry]:
        """One person's entries from `start` to `end` (inclusive), paged; `"me"` is the
        acting user. Redmine lists only entries the acting user may see (view_time_entries
        per project) and answers 403 when they may see time in no project at all."""
        filters = {"user_id": user_id, "from": start.isoformat(), "to": end.isoformat()}
        async for entry in self.all(**filters):
            yield entry

    async def get(self, entry_id: int) -> TimeEntry:
        return await self.read_one(TIME_ENTRY.format(id=entry_id), "time_entry", TimeEntry)

    async def create(self, *, hours: str | float, **fields: Any) -> TimeEntry:
        """Log time. `hours` is passed as given: Redmine parses `1h30`, `1:30`, `90m`..."""
        return await self.create_one(
            TIME_ENTRIES, "time_entry", TimeEntry, {"hours": hours, **fields}
        )

    async def update(self, entry_id: int, **fields: Any) -> None:
        await self.client.put(TIME_ENTRY.format(id=entry_id), {"time_entry": fields})

    async def delete(self, entry_id: int) -> None:
        await self.client.delete(TIME_ENTRY.format(id=entry_id))
