from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.slack.door.replay import ReplayGuard
from bot.store import crypto, db
from bot.store.repositories import (
    DeliveryRepository,
    PollerStateRepository,
    SeenRequestRepository,
    SubscriptionRepository,
    UserLinkRepository,
)


async def test_migrate_creates_every_table_and_is_idempotent(engine: AsyncEngine) -> None:
    await db.migrate(engine)  # a second time changes nothing and does not fail
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {
        "user_links",
        "subscriptions",
        "poller_state",
        "delivered_journals",
        "issue_threads",
        "notify_lease",
        "seen_slack_requests",
        "scheduled_sends",
        "alembic_version",
    } <= tables
    assert await db.ping(engine)


async def test_user_links_round_trip(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await UserLinkRepository(session).upsert(
            "U1", redmine_login="alice", redmine_user_id=5, method="api_key", encrypted_api_key="x"
        )
        await session.commit()
    async with sessions() as session:
        link = await UserLinkRepository(session).get("U1")
        assert link is not None
        assert (link.redmine_login, link.redmine_user_id, link.method, link.encrypted_api_key) == (
            "alice",
            5,
            "api_key",
            "x",
        )
        assert link.created_at.tzinfo is UTC
        await UserLinkRepository(session).upsert(
            "U1", redmine_login="bob", redmine_user_id=6, method="api_key"
        )
        await session.commit()
    async with sessions() as session:
        link = await UserLinkRepository(session).get("U1")
        assert link is not None and (link.redmine_login, link.encrypted_api_key) == ("bob", None)
        assert await UserLinkRepository(session).delete("U1") is True
        assert await UserLinkRepository(session).delete("U1") is False
        await session.commit()


async def test_subscription_save_updates_instead_of_duplicating(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    common = {
        "project_identifier": "alpha",
        "project_name": "Alpha",
        "created_by_slack_user": "U1",
        "created_by_login": "alice",
    }
    async with sessions() as session:
        repo = SubscriptionRepository(session)
        first = await repo.save("C1", 7, trackers=["Bug"], events=["notes"], **common)
        await repo.pause(first.id, "channel_not_found")
        await session.commit()
    async with sessions() as session:
        repo = SubscriptionRepository(session)
        assert await repo.active() == []
        again = await repo.save(
            "C1", 7, trackers=[], events=["created", "closed"], private=True, **common
        )
        await session.commit()
        assert again.id == first.id
    async with sessions() as session:
        [only] = await SubscriptionRepository(session).for_channel("C1")
        assert (only.trackers, only.events, only.private, only.paused, only.threads) == (
            [],
            ["created", "closed"],
            True,
            False,
            True,
        )
        assert await SubscriptionRepository(session).remove("C1", 7) is True
        assert await SubscriptionRepository(session).remove("C1", 7) is False


async def test_cursor_and_idempotent_delivery_records(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    when = datetime(2026, 11, 22, 9, 44, 7, tzinfo=UTC)
    async with sessions() as session:
        assert await PollerStateRepository(session).cursor() is None
        await PollerStateRepository(session).set_cursor(when)
        delivery = DeliveryRepository(session)
        await delivery.record_delivered("C1", 10, [1, 2])
        await delivery.record_delivered("C1", 10, [2, 3])  # 2 again: no error
        await delivery.set_thread("C1", 10, "111.222")
        await delivery.set_thread("C1", 10, "999.999")  # first thread wins
        await session.commit()
    async with sessions() as session:
        assert await PollerStateRepository(session).cursor() == when
        delivery = DeliveryRepository(session)
        assert await delivery.delivered_journal_ids("C1", [1, 2, 3, 4]) == {1, 2, 3}
        assert await delivery.delivered_journal_ids("C2", [1]) == set()
        assert await delivery.get_thread("C1", 10) == "111.222"
        assert await delivery.get_thread("C2", 10) is None


def test_crypto_round_trip_and_failures() -> None:
    token = crypto.encrypt("a" * 40, "secret one")
    assert "a" * 40 not in token
    assert crypto.decrypt(token, "secret one") == "a" * 40
    with pytest.raises(crypto.CryptoError, match="another SECRET_KEY"):
        crypto.decrypt(token, "secret two")
    with pytest.raises(crypto.CryptoError, match="SECRET_KEY is not set"):
        crypto.encrypt("x", None)


async def test_a_slack_request_is_taken_once_across_sessions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Two guards on one database stand for two replicas.
    one, other = ReplayGuard(sessions), ReplayGuard(sessions)
    now = int(datetime.now(UTC).timestamp())
    assert await one.first_signature(now, "v0=abc")
    assert not await other.first_signature(now, "v0=abc")
    assert await other.first_signature(now + 1, "v0=abc")  # another request
    assert await one.first_event("Ev1")
    assert not await other.first_event("Ev1")
    assert not await one.first_signature(now, "v0=abc")


async def test_seen_requests_past_their_window_are_pruned(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with sessions() as session:
        repository = SeenRequestRepository(session)
        assert await repository.first_time("old", past)
        await session.commit()
    async with sessions() as session:
        # "old" expired: pruned, so it may be taken again (its request is stale anyway).
        assert await SeenRequestRepository(session).first_time("old", past + timedelta(hours=1))
        await session.commit()


async def test_requests_arriving_together_are_each_taken_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    guard = ReplayGuard(sessions)
    now = int(datetime.now(UTC).timestamp())
    # 40 at once, each signature twice: one batch or several, each is first exactly once.
    signatures = [f"v0={n % 20}" for n in range(40)]
    firsts = await asyncio.gather(*(guard.first_signature(now, s) for s in signatures))
    assert sum(firsts) == 20
    assert {s for s, first in zip(signatures, firsts, strict=True) if first} == set(signatures)
