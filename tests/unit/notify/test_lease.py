"""The notification lease between two workers with their own connections to one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.lease import NotifyLeaseHolder
from bot.store import db
from tests.databases import BACKENDS, empty_postgres

Sessions = async_sessionmaker[AsyncSession]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=BACKENDS)
async def two_workers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Sessions, Sessions]]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        await empty_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = db.create_engine(url), db.create_engine(url)
    await db.migrate(first)
    yield db.session_factory(first), db.session_factory(second)
    await first.dispose()
    await second.dispose()


async def test_one_holder_at_a_time_until_released(two_workers: tuple[Sessions, Sessions]) -> None:
    clock = Clock()
    a = NotifyLeaseHolder(two_workers[0], clock=clock, holder="a")
    b = NotifyLeaseHolder(two_workers[1], clock=clock, holder="b")
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.acquire()  # renewing one's own lease
    await a.release()
    assert await b.acquire()
    assert not await a.acquire()


async def test_a_dead_holders_lease_runs_out(two_workers: tuple[Sessions, Sessions]) -> None:
    clock = Clock()
    ttl = timedelta(minutes=2)
    a = NotifyLeaseHolder(two_workers[0], clock=clock, holder="a", ttl=ttl)
    b = NotifyLeaseHolder(two_workers[1], clock=clock, holder="b", ttl=ttl)
    assert await a.acquire()
    clock.now += ttl - timedelta(seconds=1)
    assert not await b.acquire()
    clock.now += timedelta(seconds=2)
    assert await b.acquire()
    assert not await a.keep()  # a wakes up: its lease is gone, and it says so


async def test_keep_renews_in_time_and_only_when_due(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    clock = Clock()
    ttl = timedelta(minutes=2)
    a = NotifyLeaseHolder(two_workers[0], clock=clock, holder="a", ttl=ttl)
    b = NotifyLeaseHolder(two_workers[1], clock=clock, holder="b", ttl=ttl)
    assert await a.acquire()
    for _ in range(10):  # 10 x 40 s: far past one TTL, renewed along the way
        clock.now += timedelta(seconds=40)
        assert await a.keep()
        assert not await b.acquire()


async def test_racing_for_a_fresh_lease_gives_it_to_exactly_one(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    holders = [NotifyLeaseHolder(two_workers[n % 2], holder=f"w{n}") for n in range(6)]
    won = await asyncio.gather(*(h.acquire() for h in holders))
    assert sum(won) == 1


async def test_wait_for_gets_the_lease_once_it_is_released(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    a = NotifyLeaseHolder(two_workers[0], holder="a")
    b = NotifyLeaseHolder(two_workers[1], holder="b")
    assert await a.acquire()
    assert not await b.wait_for(0.3, step=0.05)

    async def release_soon() -> None:
        await asyncio.sleep(0.2)
        await a.release()

    waited, _ = await asyncio.gather(b.wait_for(5, step=0.05), release_soon())
    assert waited
