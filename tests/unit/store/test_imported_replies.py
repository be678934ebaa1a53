"""The imported-replies table: one claim per Slack message, and the poller's echo check."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.replies import ImportedReplyRepository, JournalSeen
from bot.store.repositories import DeliveryRepository, SubscriptionRepository


async def claim(sessions: async_sessionmaker[AsyncSession], ts: str, notes: str = "on it") -> bool:
    async with sessions() as session:
        first = await ImportedReplyRepository(session).claim(
            "C1", ts, issue_id=42, slack_user_id="UBOB", redmine_user_id=7, notes=notes
        )
        await session.commit()
    return first


async def test_migration_adds_the_table_and_the_replies_switch(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        columns = await connection.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("subscriptions")}
        )
    assert "imported_replies" in tables and "replies" in columns


async def test_a_message_is_claimed_once_across_sessions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "1700000001.000100") is True
    assert await claim(sessions, "1700000001.000100") is False
    async with sessions() as session:
        await ImportedReplyRepository(session).release("C1", "1700000001.000100")
        await session.commit()
    assert await claim(sessions, "1700000001.000100") is True  # released: may be tried again


async def test_came_from_knows_linked_and_pending_replies_only_in_their_channel(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await claim(sessions, "1.1", notes="linked note")
    await claim(sessions, "1.2", notes="pending note")
    async with sessions() as session:
        await ImportedReplyRepository(session).link("C1", "1.1", 500, "linked note")
        await session.commit()
    journals = [
        JournalSeen(500, 7, "linked note"),
        JournalSeen(501, 7, "pending note"),  # not linked yet: recognised by author + notes
        JournalSeen(502, 8, "pending note"),  # same words, someone else: a real change
        JournalSeen(503, 7, "something new"),
    ]
    async with sessions() as session:
        replies = ImportedReplyRepository(session)
        assert await replies.came_from("C1", 42, journals) == {500, 501}
        assert await replies.came_from("C2", 42, journals) == set()
        assert await replies.came_from("C1", 43, journals) == set()


async def test_a_thread_is_synced_only_with_replies_on(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await DeliveryRepository(session).set_thread("C1", 42, "1700000000.000100")
        subscriptions = SubscriptionRepository(session)
        await subscriptions.save(
            "C1",
            1,
            project_identifier="alpha",
            project_name="Alpha",
            created_by_slack_user="UALICE",
            created_by_login="alice",
        )
        await session.commit()
    async with sessions() as session:
        replies = ImportedReplyRepository(session)
        assert await replies.issue_for_thread("C1", "1700000000.000100") == 42
        assert await replies.issue_for_thread("C1", "1700000000.999999") is None
        assert await replies.reply_subscriptions("C1") == []
        await SubscriptionRepository(session).save("C1", 1, replies=True)
        await session.commit()
        assert [s.project_id for s in await replies.reply_subscriptions("C1")] == [1]
