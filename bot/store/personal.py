"""The store's side of personal notifications and App Home: settings, delivered DMs, threads.

Like the channel repositories, each takes an AsyncSession and the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import DeliveredDM, DMThread, PersonalSettings, Subscription, utcnow
from bot.store.repositories import (
    _insert_ignoring_duplicates,
    delivered_among,
    record_deliveries,
)

# What a person can be told, in the order App Home lists the toggles.
NOTIFY_KINDS = ("assigned", "involved", "status", "mentions")
HOME_LISTS = ("assigned", "reported", "watched", "due")


@dataclass(frozen=True)
class Preferences:
    """A person's settings as plain data; every notification is on until switched off."""

    assigned: bool = True
    involved: bool = True
    status: bool = True
    mentions: bool = True
    home_list: str = HOME_LISTS[0]

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    @property
    def enabled(self) -> frozenset[str]:
        return frozenset(kind for kind in NOTIFY_KINDS if self.wants(kind))


class PersonalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def preferences(self, slack_user_id: str) -> Preferences:
        row = await self.session.get(PersonalSettings, slack_user_id)
        if row is None:
            return Preferences()
        return Preferences(row.assigned, row.involved, row.status, row.mentions, row.home_list)

    async def preferences_of(self, slack_user_ids: Iterable[str]) -> dict[str, Preferences]:
        """Everyone's preferences in one query; people without a row get the defaults."""
        wanted = sorted(set(slack_user_ids))
        found: dict[str, Preferences] = {user: Preferences() for user in wanted}
        if not wanted:
            return found
        rows = await self.session.execute(
            select(PersonalSettings).where(PersonalSettings.slack_user_id.in_(wanted))
        )
        for row in rows.scalars():
            found[row.slack_user_id] = Preferences(
                row.assigned, row.involved, row.status, row.mentions, row.home_list
            )
        return found

    async def save(self, slack_user_id: str, preferences: Preferences) -> None:
        row = await self.session.get(PersonalSettings, slack_user_id)
        if row is None:
            row = PersonalSettings(slack_user_id=slack_user_id)
            self.session.add(row)
        row.assigned, row.involved = preferences.assigned, preferences.involved
        row.status, row.mentions = preferences.status, preferences.mentions
        row.home_list = preferences.home_list
        row.updated_at = utcnow()
        await self.session.flush()

    async def delivered(self, slack_user_id: str, journal_ids: Iterable[int]) -> set[int]:
        return await delivered_among(self.session, DeliveredDM, slack_user_id, journal_ids)

    async def record_delivered(
        self, slack_user_id: str, issue_id: int, journal_ids: Iterable[int]
    ) -> None:
        await record_deliveries(self.session, DeliveredDM, slack_user_id, issue_id, journal_ids)

    async def thread(self, slack_user_id: str, issue_id: int) -> DMThread | None:
        return await self.session.get(DMThread, (slack_user_id, issue_id))

    async def set_thread(
        self, slack_user_id: str, issue_id: int, channel_id: str, thread_ts: str
    ) -> None:
        row = {
            "slack_user_id": slack_user_id,
            "issue_id": issue_id,
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "created_at": utcnow(),
        }
        await self.session.execute(_insert_ignoring_duplicates(self.session, DMThread, [row]))

    async def subscriptions_created_by(self, slack_user_id: str) -> Sequence[Subscription]:
        found = await self.session.execute(
            select(Subscription)
            .where(Subscription.created_by_slack_user == slack_user_id)
            .order_by(Subscription.channel_id, Subscription.project_name)
        )
        return found.scalars().all()
