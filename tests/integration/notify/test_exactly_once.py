"""Exactly once across a kill between Slack taking a message and the database recording it.

Each post is recorded as pending before it goes out and carries its key in Slack's
message metadata (docs.slack.dev/messaging/message-metadata); a post found pending is
first looked for with conversations.history or conversations.replies and
`include_all_metadata` (docs.slack.dev/reference/methods/conversations.history). Here a
"process" is a SlackDelivery with its own client over one database; the kill is the
first one stopping before it records the delivery.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_slack_client
from bot.metrics import Metrics
from bot.notify.delivery import SlackDelivery
from bot.notify.once import PendingPosts, carries
from bot.slack.web.pace import SlackRateLimits
from bot.store import db
from bot.store.pending import PendingPostRepository
from tests.integration.slack_harness import settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, dm_channel


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'once.sqlite3'}")
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


def process(
    redmine_seed: Seed, fake: FakeSlack, sessions: async_sessionmaker[AsyncSession], tmp: Path
) -> tuple[SlackDelivery, Metrics]:
    """One service's delivery: a client of its own, the shared database."""
    settings = settings_for(redmine_seed, fake, tmp / "unused.sqlite3")
    limits, metrics = SlackRateLimits(), Metrics()
    slack = create_slack_client(settings, limits)
    pending = PendingPosts(sessions, slack, metrics=metrics)
    return SlackDelivery(slack, pace=0.0, limits=limits, metrics=metrics, pending=pending), metrics


def carrying(fake: FakeSlack, channel: str, key: str) -> list[dict[str, object]]:
    return [m for m in fake.messages_in(channel) if carries(m, key)]


async def test_a_post_slack_took_before_the_kill_is_found_not_posted_again(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    first, _ = process(redmine_seed, fake_slack, sessions, tmp_path)
    taken = await first.post("CPUBLIC", "Issue #7 changed", [], key="journal.70.CPUBLIC")
    # killed here: the delivery was never recorded, the post is still pending
    again, metrics = process(redmine_seed, fake_slack, sessions, tmp_path)
    found = await again.post("CPUBLIC", "Issue #7 changed", [], key="journal.70.CPUBLIC")
    assert found.ts == taken.ts
    assert len(carrying(fake_slack, "CPUBLIC", "journal.70.CPUBLIC")) == 1
    assert len(fake_slack.of("chat.postMessage")) == 1
    (lookup,) = fake_slack.of("conversations.history")
    assert lookup.args["include_all_metadata"] in ("1", "true", True)
    assert metrics.value("redmine_slack_history_lookups_total", found="yes") == 1.0


async def test_a_reply_in_a_thread_is_looked_up_in_the_thread(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    first, _ = process(redmine_seed, fake_slack, sessions, tmp_path)
    parent = await first.post("CPUBLIC", "Issue #8", [], key="issue.8.CPUBLIC")
    async with sessions() as session:
        await PendingPostRepository(session).done("issue.8.CPUBLIC")  # recorded
        await session.commit()
    reply = await first.post("CPUBLIC", "note", [], thread_ts=parent.ts, key="journal.81.CPUBLIC")
    again, _ = process(redmine_seed, fake_slack, sessions, tmp_path)
    found = await again.post("CPUBLIC", "note", [], thread_ts=parent.ts, key="journal.81.CPUBLIC")
    assert found.ts == reply.ts
    assert len(carrying(fake_slack, "CPUBLIC", "journal.81.CPUBLIC")) == 1
    assert [c.args["ts"] for c in fake_slack.of("conversations.replies")] == [parent.ts]
    assert fake_slack.of("conversations.history") == []


async def test_a_post_killed_before_slack_took_it_is_posted_once_and_a_new_one_needs_no_lookup(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    async with sessions() as session:  # recorded pending, then killed before the post
        await PendingPostRepository(session).begin("journal.90.CPUBLIC", "CPUBLIC", None)
        await session.commit()
    again, metrics = process(redmine_seed, fake_slack, sessions, tmp_path)
    await again.post("CPUBLIC", "Issue #9 changed", [], key="journal.90.CPUBLIC")
    assert len(carrying(fake_slack, "CPUBLIC", "journal.90.CPUBLIC")) == 1
    assert metrics.value("redmine_slack_history_lookups_total", found="no") == 1.0

    await again.post("CPUBLIC", "Issue #10 changed", [], key="journal.100.CPUBLIC")
    assert len(fake_slack.of("conversations.history")) == 1  # only the one left pending


async def test_a_dm_left_pending_is_looked_up_in_the_dm(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    first, _ = process(redmine_seed, fake_slack, sessions, tmp_path)
    dm = dm_channel("UBOB")
    taken = await first.post(dm, "You were assigned #5", [], key="dm.-5.5.UBOB")
    again, _ = process(redmine_seed, fake_slack, sessions, tmp_path)
    assert (await again.post(dm, "You were assigned #5", [], key="dm.-5.5.UBOB")).ts == taken.ts
    assert len(carrying(fake_slack, dm, "dm.-5.5.UBOB")) == 1
    (lookup,) = fake_slack.of("conversations.history")
    assert lookup.args["channel"] == dm  # needs im:history, which the manifest now asks for
