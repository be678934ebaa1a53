"""Repositories: each takes an AsyncSession; the caller commits (one unit of work each)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    DeliveredDM,
    DeliveredJournal,
    IssueThread,
    PollerState,
    SeenSlackRequest,
    Subscription,
    UserLink,
    utcnow,
)


def _insert_ignoring_duplicates(
    session: AsyncSession, model: Any, rows: list[dict[str, Any]]
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the session's dialect: recording twice is fine."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model).values(rows).on_conflict_do_nothing()


class UserLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, slack_user_id: str) -> UserLink | None:
        return await self.session.get(UserLink, slack_user_id)

    async def upsert(
        self,
        slack_user_id: str,
        *,
        redmine_login: str,
        redmine_user_id: int,
        method: str,
        encrypted_api_key: str | None = None,
    ) -> UserLink:
        link = await self.get(slack_user_id)
        if link is None:
            link = UserLink(slack_user_id=slack_user_id, created_at=utcnow())
            self.session.add(link)
        link.redmine_login = redmine_login
        link.redmine_user_id = redmine_user_id
        link.method = method
        link.encrypted_api_key = encrypted_api_key
        link.updated_at = utcnow()
        await self.session.flush()
        return link

    async def delete(self, slack_user_id: str) -> bool:
        result = await self.session.execute(
            delete(UserLink).where(UserLink.slack_user_id == slack_user_id)
        )
        return bool(getattr(result, "rowcount", 0))


class SubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, channel_id: str, project_id: int, query_id: int = 0) -> Subscription | None:
        found = await self.session.execute(
            select(Subscription).where(
                Subscription.channel_id == channel_id,
                Subscription.project_id == project_id,
                Subscription.query_id == query_id,
            )
        )
        return found.scalar_one_or_none()

    async def save(
        self, channel_id: str, project_id: int, *, query_id: int = 0, **fields: Any
    ) -> Subscription:
        """Create the channel's subscription to the project (or to one of its saved
        queries), or update its filters."""
        subscription = await self.get(channel_id, project_id, query_id)
        if subscription is None:
            subscription = Subscription(
                channel_id=channel_id,
                project_id=project_id,
                query_id=query_id,
                created_at=utcnow(),
                paused=False,
                trackers=[],
                events=[],
                include_subprojects=False,
                threads=True,
                private=False,
                replies=False,
            )
            self.session.add(subscription)
        for name, value in fields.items():
            setattr(subscription, name, value)
        subscription.paused, subscription.paused_reason = False, None
        await self.session.flush()
        return subscription

    async def remove(self, channel_id: str, project_id: int, query_id: int = 0) -> bool:
        result = await self.session.execute(
            delete(Subscription).where(
                Subscription.channel_id == channel_id,
                Subscription.project_id == project_id,
                Subscription.query_id == query_id,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def for_channel(self, channel_id: str) -> Sequence[Subscription]:
        found = await self.session.execute(
            select(Subscription)
            .where(Subscription.channel_id == channel_id)
            .order_by(Subscription.id)
        )
        return found.scalars().all()

    async def active(self) -> Sequence[Subscription]:
        found = await self.session.execute(
            select(Subscription).where(Subscription.paused.is_(False)).order_by(Subscription.id)
        )
        return found.scalars().all()

    async def pause(self, subscription_id: int, reason: str) -> None:
        subscription = await self.session.get(Subscription, subscription_id)
        if subscription is not None:
            subscription.paused, subscription.paused_reason = True, reason

    async def resume(self, subscription_id: int) -> None:
        subscription = await self.session.get(Subscription, subscription_id)
        if subscription is not None:
            subscription.paused, subscription.paused_reason = False, None


class PollerStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def cursor(self) -> datetime | None:
        state = await self.session.get(PollerState, 1)
        return state.cursor if state else None

    async def set_cursor(self, cursor: datetime) -> None:
        state = await self.session.get(PollerState, 1)
        if state is None:
            self.session.add(PollerState(id=1, cursor=cursor, updated_at=utcnow()))
        else:
            state.cursor, state.updated_at = cursor, utcnow()
        await self.session.flush()


async def delivered_among(
    session: AsyncSession,
    table: type[DeliveredJournal | DeliveredDM],
    recipient: str,
    journal_ids: Iterable[int],
) -> set[int]:
    """Which of these journals the recipient (a channel or a person) was already told."""
    wanted = list(journal_ids)
    if not wanted:
        return set()
    found = await session.execute(
        select(table.journal_id).where(
            getattr(table, table.recipient) == recipient, table.journal_id.in_(wanted)
        )
    )
    return set(found.scalars().all())


async def record_deliveries(
    session: AsyncSession,
    table: type[DeliveredJournal | DeliveredDM],
    recipient: str,
    issue_id: int,
    journal_ids: Iterable[int],
) -> None:
    """Remember the recipient was told these journals; one already remembered is kept."""
    now = utcnow()
    rows = [
        {table.recipient: recipient, "journal_id": j, "issue_id": issue_id, "delivered_at": now}
        for j in journal_ids
    ]
    if rows:
        await session.execute(_insert_ignoring_duplicates(session, table, rows))


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def delivered_journal_ids(self, channel_id: str, journal_ids: Iterable[int]) -> set[int]:
        return await delivered_among(self.session, DeliveredJournal, channel_id, journal_ids)

    async def record_delivered(
        self, channel_id: str, issue_id: int, journal_ids: Iterable[int]
    ) -> None:
        await record_deliveries(self.session, DeliveredJournal, channel_id, issue_id, journal_ids)

    async def get_thread(self, channel_id: str, issue_id: int) -> str | None:
        thread = await self.session.get(IssueThread, (channel_id, issue_id))
        return thread.thread_ts if thread else None

    async def set_thread(self, channel_id: str, issue_id: int, thread_ts: str) -> None:
        row = {
            "channel_id": channel_id,
            "issue_id": issue_id,
            "thread_ts": thread_ts,
            "created_at": utcnow(),
        }
        await self.session.execute(_insert_ignoring_duplicates(self.session, IssueThread, [row]))


class SeenRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_time(self, key: str, expires_at: datetime, *, prune: bool = True) -> bool:
        """Record `key`; True only for the first caller in any replica (the insert wins).

        With `prune`, expired rows go first, so a key may be taken again once its window
        passed.
        """
        [first] = await self.first_times([(key, expires_at)], prune=prune)
        return first

    async def first_times(
        self, keys: Sequence[tuple[str, datetime]], *, prune: bool = True
    ) -> list[bool]:
        """`first_time` for many keys in one statement: for each, in order, whether this
        caller recorded it first (a key given twice is first only the first time)."""
        if prune:
            await self.session.execute(
                delete(SeenSlackRequest).where(SeenSlackRequest.expires_at < utcnow())
            )
        if not keys:
            return []
        rows = [{"key": key, "expires_at": expires_at} for key, expires_at in keys]
        statement = _insert_ignoring_duplicates(self.session, SeenSlackRequest, rows)
        answer = await self.session.execute(statement.returning(SeenSlackRequest.key))
        inserted = set(answer.scalars())
        firsts = []
        for key, _ in keys:
            firsts.append(key in inserted)
            inserted.discard(key)
        return firsts
