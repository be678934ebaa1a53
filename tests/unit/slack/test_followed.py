"""The followed threads in memory: read from the store, kept current across replicas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.slack.door.followed import RELOAD, FollowedThreads
from bot.store import db
from bot.store.replies import ImportedReplyRepository
from bot.store.repositories import DeliveryRepository, SubscriptionRepository
from tests.databases import BACKENDS, empty_postgres

THREAD, OTHER = "1700000000.000100", "1700000001.000100"


@pytest.fixture(params=BACKENDS)
async def sessions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        await empty_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'followed.sqlite3'}"
    engine = db.create_engine(url)
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


async def subscribe(sessions: async_sessionmaker[AsyncSession], channel: str) -> None:
    async with sessions() as session:
        await SubscriptionRepository(session).save(
            channel,
            1,
            project_identifier="alpha",
            project_name="Alpha",
            replies=True,
            created_by_slack_user="UALICE",
            created_by_login="alice",
        )
        await session.commit()


async def post_issue_thread(
    sessions: async_sessionmaker[AsyncSession], channel: str, issue_id: int, ts: str
) -> None:
    async with sessions() as session:
        await DeliveryRepository(session).set_thread(channel, issue_id, ts)
        await session.commit()


async def test_a_thread_made_by_another_replica_is_followed_after_the_next_look(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await subscribe(sessions, "CREPLIES")
    await post_issue_thread(sessions, "CREPLIES", 1, THREAD)
    here = FollowedThreads(sessions)
    await here.refresh()
    assert here.may_follow("CREPLIES", THREAD)
    assert not here.may_follow("CREPLIES", OTHER)

    # Another replica (or `redmine-slack poll`) posts a card and links a thread.
    await post_issue_thread(sessions, "CREPLIES", 2, OTHER)
    async with sessions() as session:
        replies = ImportedReplyRepository(session)
        await replies.link_thread("CHAND", THREAD, 3, private=False, by="UALICE")
        await replies.claim(
            "CIMPORTED", "1.5", issue_id=3, slack_user_id="UBOB", redmine_user_id=4, notes="n"
        )
        await session.commit()
    assert not here.may_follow("CHAND", THREAD)
    await here.refresh()
    assert here.may_follow("CREPLIES", OTHER)
    assert here.may_follow("CHAND", THREAD)
    assert here.may_hold_replies("CIMPORTED")
    assert not here.may_hold_replies("CNOWHERE")


async def test_an_unlinked_thread_or_paused_channel_is_forgotten_by_the_whole_read(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await subscribe(sessions, "CREPLIES")
    await post_issue_thread(sessions, "CREPLIES", 1, THREAD)
    async with sessions() as session:
        await ImportedReplyRepository(session).link_thread(
            "CHAND", OTHER, 3, private=False, by="UALICE"
        )
        await session.commit()
    now = [1_800_000_000.0]
    here = FollowedThreads(sessions, clock=lambda: now[0])
    await here.refresh()
    assert here.may_follow("CHAND", OTHER)

    async with sessions() as session:
        await ImportedReplyRepository(session).unlink_thread("CHAND", OTHER)
        subscription = await SubscriptionRepository(session).get("CREPLIES", 1)
        assert subscription is not None
        await SubscriptionRepository(session).pause(subscription.id, "gone")
        await session.commit()
    now[0] += 2
    await here.refresh()  # links and replies:on channels are read whole every time
    assert not here.may_follow("CHAND", OTHER)
    assert not here.may_follow("CREPLIES", THREAD)
    now[0] += RELOAD
    await here.refresh()
    assert here.issue_threads == {("CREPLIES", THREAD)}  # the thread itself is still there


async def test_before_any_look_every_thread_may_be_followed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    here = FollowedThreads(sessions)
    assert here.may_follow("CANY", THREAD)
    assert here.may_hold_replies("CANY")
    await here.refresh()
    assert not here.may_follow("CANY", THREAD)


async def test_a_thread_this_process_links_is_known_before_its_first_reply(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The person who links a thread replies in it next: no waiting for the refresh."""
    engine = sessions.kw["bind"]
    here = FollowedThreads(sessions)
    here.watch(engine)
    await here.refresh()
    assert not here.stale
    async with sessions() as session:
        await ImportedReplyRepository(session).link_thread(
            "CHAND", THREAD, 3, private=False, by="UALICE"
        )
        await session.commit()
    assert here.stale
    await here.current()
    assert here.may_follow("CHAND", THREAD)
    assert not here.stale
    # Reads, and writes elsewhere, leave the set as it is.
    async with sessions() as session:
        await SubscriptionRepository(session).for_channel("CHAND")
        await DeliveryRepository(session).record_delivered("CHAND", 3, [9])
        await session.commit()
    assert not here.stale
