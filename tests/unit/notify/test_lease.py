"""The notification lease between two workers with their own connections to one database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.lease import (
    LEASE_TTL,
    HolderName,
    NotifyLeaseHolder,
    pid_space,
    process_start,
)

Sessions = async_sessionmaker[AsyncSession]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


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


def _name_of_a_finished_process() -> str:
    """A holder name as a worker process writes it, for a process that has since exited."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        name = HolderName("dead0000dead0000", child.pid, process_start(child.pid), pid_space())
    finally:
        child.kill()  # as kill -9 would
        child.wait()
    return str(name)


async def test_a_holder_provably_gone_is_taken_over_at_once(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    if pid_space() is None:
        pytest.skip("no /proc here: only the lease running out can prove a holder gone")
    clock = Clock()
    dead = NotifyLeaseHolder(two_workers[0], clock=clock, holder=_name_of_a_finished_process())
    assert await dead.acquire()  # then killed, mid-cycle, its lease still 15 s long
    successor = NotifyLeaseHolder(two_workers[1], clock=clock)
    assert await successor.acquire()  # no wait for the lease to run out
    clock.now += LEASE_TTL / 4
    assert not await dead.keep()  # the lease is the successor's, and it is alive


async def test_a_live_holder_or_one_elsewhere_is_never_taken_over_early(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    clock = Clock()
    # A worker in this very process (another replica's poller in a test): alive.
    alive = NotifyLeaseHolder(two_workers[0], clock=clock)
    assert await alive.acquire()
    other = NotifyLeaseHolder(two_workers[1], clock=clock)
    assert not await other.acquire()
    await alive.release()
    # A dead process's pid, but seen from another host or container: nothing is provable.
    gone = HolderName.parse(_name_of_a_finished_process())
    elsewhere = NotifyLeaseHolder(
        two_workers[0],
        clock=clock,
        holder=str(HolderName(gone.token, gone.pid, gone.start, "f" * 16)),
    )
    assert await elsewhere.acquire()
    assert not await other.acquire()
    clock.now += LEASE_TTL + timedelta(seconds=1)  # until its lease runs out
    assert await other.acquire()


def test_a_holder_name_fits_its_column_and_reads_back() -> None:
    name = HolderName.for_this_process()
    assert len(str(name)) <= 64
    assert HolderName.parse(str(name)) == name
    assert not name.provably_gone()  # this process is alive
    assert HolderName.parse("a") == HolderName("a")
    assert not HolderName.parse("a").provably_gone()
    assert not HolderName.parse("x/²/1/abc").provably_gone()


async def test_the_heartbeat_keeps_a_short_lease_while_the_work_is_slow(
    two_workers: tuple[Sessions, Sessions],
) -> None:
    ttl = timedelta(seconds=0.4)
    a = NotifyLeaseHolder(two_workers[0], holder="a", ttl=ttl)
    b = NotifyLeaseHolder(two_workers[1], holder="b", ttl=ttl)
    assert await a.acquire()
    beat = asyncio.create_task(a.heartbeat())
    try:
        await asyncio.sleep(1.2)  # three lease lengths of slow work
        assert not await b.acquire()
    finally:
        beat.cancel()
    await asyncio.sleep(0.5)  # no heartbeat: the lease runs out
    assert await b.acquire()
