"""Scheduled sends: saved by the commands that set them up, taken one occurrence at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ScheduledSend, utcnow


class ScheduleRepository:
    """Each method is one unit of work on its session; the caller commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> ScheduledSend | None:
        found = await self.session.execute(select(ScheduledSend).where(ScheduledSend.name == name))
        return found.scalar_one_or_none()

    async def save(
        self,
        name: str,
        *,
        kind: str,
        owner: str,
        minute_of_day: int,
        timezone: str,
        weekdays: str,
        payload: dict[str, Any],
        last_key: str | None,
    ) -> ScheduledSend:
        """Create or replace the schedule called `name`. `last_key` marks occurrences up to
        that local date as done, so a schedule set at 18:00 for 17:30 starts tomorrow."""
        row = await self.get(name)
        if row is None:
            row = ScheduledSend(name=name, created_at=utcnow())
            self.session.add(row)
        row.kind, row.owner, row.minute_of_day = kind, owner, minute_of_day
        row.timezone, row.weekdays, row.payload = timezone, weekdays, payload
        row.last_key = last_key
        await self.session.flush()
        return row

    async def remove(self, name: str) -> bool:
        result = await self.session.execute(delete(ScheduledSend).where(ScheduledSend.name == name))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_prefix(self, prefix: str) -> int:
        result = await self.session.execute(
            delete(ScheduledSend).where(ScheduledSend.name.startswith(prefix, autoescape=True))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> Sequence[ScheduledSend]:
        found = await self.session.execute(select(ScheduledSend).order_by(ScheduledSend.id))
        return found.scalars().all()

    async def take(self, schedule_id: int, previous: str | None, key: str) -> bool:
        """Move `last_key` from `previous` to `key` if no one did yet: True if this worker
        took the occurrence (one conditional UPDATE, atomic on SQLite and Postgres)."""
        same_previous = (
            ScheduledSend.last_key.is_(None)
            if previous is None
            else ScheduledSend.last_key == previous
        )
        result = await self.session.execute(
            update(ScheduledSend)
            .where(ScheduledSend.id == schedule_id, same_previous)
            .values(last_key=key)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    async def give_back(self, schedule_id: int, key: str, previous: str | None) -> None:
        """A send that failed: its occurrence is open again for the next tick."""
        await self.session.execute(
            update(ScheduledSend)
            .where(ScheduledSend.id == schedule_id, ScheduledSend.last_key == key)
            .values(last_key=previous)
        )
