"""Replays refused off the ack's path: this process's record first, the shared one after.

Two guards on one database stand for two replicas (their own memory, one store).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator_for, using
from bot.slack.door import replay
from bot.slack.door.replay import NOT_CHECKED, GatedAck, ReplayGuard, ReplayRefused
from bot.store import db
from bot.store.models import SeenSlackRequest
from bot.store.repositories import SeenRequestRepository
from tests.databases import BACKENDS, empty_postgres


@pytest.fixture(params=BACKENDS)
async def sessions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        await empty_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'replay.sqlite3'}"
    engine = db.create_engine(url)
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


def now() -> int:
    return int(datetime.now(UTC).timestamp())


async def test_a_replay_this_process_saw_is_refused_without_waiting_for_the_store(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    guard = ReplayGuard(sessions)
    at = now()
    verdict = guard.claim_signature(at, "v0=abc")
    assert verdict is not None
    # Refused from memory, while the first one's shared record is still being written.
    assert guard.claim_signature(at, "v0=abc") is None
    assert await verdict
    assert guard.claim_signature(at, "v0=abc") is None
    assert guard.claim_signature(at + 1, "v0=abc") is not None  # another request
    await guard.flush()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SeenSlackRequest)) == 2


async def test_a_second_replica_refuses_a_replay_it_sees_later(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    here, there = ReplayGuard(sessions), ReplayGuard(sessions)
    at = now()
    first = here.claim_signature(at, "v0=abc")
    assert first is not None and await first
    later = there.claim_signature(at, "v0=abc")
    assert later is not None  # nothing in its own memory...
    assert not await later  # ...but the shared record had it
    assert there.claim_signature(at, "v0=abc") is None  # and now its memory has it too


async def test_a_plain_ack_goes_out_before_the_verdict_and_a_replay_stops_there() -> None:
    verdict: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    ack = GatedAck(verdict)
    acking = asyncio.create_task(ack())
    for _ in range(5):
        await asyncio.sleep(0)
    assert ack.response is not None and ack.response.status == 200  # Slack has its ack
    assert not acking.done()  # the listener waits for the shared record
    verdict.set_result(False)
    with pytest.raises(ReplayRefused) as refused:
        await acking
    assert refused.value.sentence is None


async def test_an_ack_with_an_answer_waits_for_the_verdict() -> None:
    verdict: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    ack = GatedAck(verdict)
    acking = asyncio.create_task(ack(text="Here is the help"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert ack.response is None  # a replay must not get the answer
    verdict.set_result(False)
    with pytest.raises(ReplayRefused):
        await acking
    assert ack.response is None

    passed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    passed.set_result(True)
    answered = GatedAck(passed)
    await answered(text="Here is the help")
    assert answered.response is not None and "Here is the help" in str(answered.response.body)


async def test_a_shared_record_that_cannot_be_written_stops_the_work_with_a_sentence() -> None:
    verdict: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    verdict.set_exception(OSError("database down"))
    ack = GatedAck(verdict)
    with pytest.raises(ReplayRefused) as refused:
        await ack()
    assert ack.response is not None  # acked: Slack does not show an error
    assert refused.value.sentence == NOT_CHECKED


async def test_the_sentence_is_in_the_language_of_the_request_that_acks() -> None:
    # The ack runs in the listener, after handlers/asked.py set the person's language.
    verdict: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    verdict.set_exception(OSError("database down"))
    with using(translator_for("de")), pytest.raises(ReplayRefused) as refused:
        await GatedAck(verdict)()
    assert refused.value.sentence == (
        "Diese Anfrage konnte gerade nicht auf Wiederholungen geprüft werden, daher wurde "
        "nichts getan. Versuchen Sie es gleich noch einmal."
    )


async def test_the_claims_of_one_moment_share_one_write(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = ReplayGuard(sessions)
    writes: list[int] = []
    record = guard._record

    async def counted(batch: list[Any]) -> None:
        writes.append(len(batch))
        await record(batch)

    monkeypatch.setattr(guard, "_record", counted)
    at = now()
    verdicts = [guard.claim_signature(at, f"v0=sig{n}") for n in range(5)]
    assert all([await verdict for verdict in verdicts if verdict is not None])
    assert writes == [5]  # one transaction for the five, not five
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SeenSlackRequest)) == 5


async def test_an_answer_waiting_on_the_record_has_it_written_at_once(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay, "CLAIM_WINDOW", 3600.0)  # only `hurry` can end the wait
    guard = ReplayGuard(sessions)
    verdict = guard.claim_signature(now(), "v0=abc")
    assert verdict is not None
    ack = GatedAck(verdict, guard.hurry)
    await asyncio.wait_for(ack(text="Here is the help"), timeout=60)  # a hang guard only
    assert ack.response is not None and "Here is the help" in str(ack.response.body)


async def test_a_key_twice_in_one_write_is_first_only_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expires = datetime.now(UTC) + timedelta(minutes=5)
    async with sessions() as session:
        firsts = await SeenRequestRepository(session).first_times(
            [("a" * 64, expires), ("b" * 64, expires), ("a" * 64, expires)]
        )
        await session.commit()
    assert firsts == [True, True, False]
    async with sessions() as session:
        again = await SeenRequestRepository(session).first_times([("b" * 64, expires)])
    assert again == [False]
