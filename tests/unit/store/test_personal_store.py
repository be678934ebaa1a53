"""bot.store.personal on both backends: defaults, saved settings, delivered DMs once,
one thread per person and issue, and the subscriptions a person created."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.personal import PersonalRepository, Preferences
from bot.store.repositories import SubscriptionRepository


async def test_migration_makes_the_personal_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"personal_settings", "delivered_dms", "dm_threads"} <= tables


async def test_settings_default_to_everything_on_and_round_trip(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        repo = PersonalRepository(session)
        assert await repo.preferences("UBOB") == Preferences()
        await repo.save("UBOB", Preferences(involved=False, home_list="watched"))
        await session.commit()
    async with sessions() as session:
        repo = PersonalRepository(session)
        saved = await repo.preferences("UBOB")
        assert saved == Preferences(involved=False, home_list="watched")
        assert saved.enabled == {"assigned", "status", "mentions"}
        both = await repo.preferences_of(["UBOB", "UALICE"])
        assert both == {"UBOB": saved, "UALICE": Preferences()}


async def test_a_journal_is_recorded_once_per_person(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        repo = PersonalRepository(session)
        await repo.record_delivered("UBOB", 3, [10, 11])
        await repo.record_delivered("UBOB", 3, [11, -3])  # again: no error, no duplicate
        await repo.set_thread("UBOB", 3, "DBOB", "1700000001.000100")
        await repo.set_thread("UBOB", 3, "DBOB", "1700000099.000100")  # the first stays
        await session.commit()
    async with sessions() as session:
        repo = PersonalRepository(session)
        assert await repo.delivered("UBOB", [10, 11, 12, -3]) == {10, 11, -3}
        assert await repo.delivered("UALICE", [10]) == set()
        thread = await repo.thread("UBOB", 3)
        assert thread is not None and thread.thread_ts == "1700000001.000100"


async def test_subscriptions_created_by_a_person(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        subs = SubscriptionRepository(session)
        for channel, creator in [("C1", "UALICE"), ("C2", "UBOB"), ("C3", "UALICE")]:
            await subs.save(
                channel,
                1,
                project_identifier="alpha",
                project_name="Alpha",
                created_by_slack_user=creator,
                created_by_login=creator.lower(),
            )
        await session.commit()
    async with sessions() as session:
        mine = await PersonalRepository(session).subscriptions_created_by("UALICE")
        assert [s.channel_id for s in mine] == ["C1", "C3"]
