"""An issue's channels are told at once: Slack paces each conversation on its own
(about one message a second, api.slack.com/docs/rate-limits), so one channel's messages
must not wait for another's. bench/channel_fanout.py measures the whole cycle.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.delivery import DeliveryFailed, Posted
from bot.notify.poller import Poller
from bot.redmine.models import Issue
from bot.store import db
from bot.store.repositories import DeliveryRepository, SubscriptionRepository
from tests.support.offline_poller import offline_poller

CHANNELS = ["CTEAM", "CLEADS", "CSUPPORT"]


class PacedDelivery:
    """A message leaves only while every channel has one under way, as it would if each
    channel waited its second for Slack on its own; `failing` channels refuse."""

    def __init__(self, channels: list[str], failing: frozenset[str] = frozenset()) -> None:
        self.channels = set(channels)
        self.failing = failing
        self.under_way: set[str] = set()
        self.all_under_way = asyncio.Event()
        self.posts: list[tuple[str, str | None]] = []

    async def post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]],
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        key: str | None = None,
    ) -> Posted:
        self.under_way.add(channel)
        if self.under_way >= self.channels:
            self.all_under_way.set()
        try:
            await asyncio.wait_for(self.all_under_way.wait(), 2)
        except TimeoutError:
            raise AssertionError(f"{channel} waited for {self.channels - self.under_way}") from None
        if channel in self.failing:
            raise DeliveryFailed("Slack did not take the message after 5 attempts")
        self.posts.append((channel, thread_ts))
        return Posted(f"1700000{len(self.posts):03d}.000100")


def changed_issue() -> Issue:
    now = datetime.now(UTC).isoformat()
    return Issue.model_validate(
        {
            "id": 42,
            "project": {"id": 1, "name": "Alpha"},
            "subject": "Export stalls",
            "created_on": now,
            "updated_on": now,
            "journals": [
                {
                    "id": 7,
                    "user": {"id": 2, "name": "Bob Baker"},
                    "notes": "On it",
                    "created_on": now,
                }
            ],
        }
    )


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'fanout.sqlite3'}")
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


async def poller_with(
    sessions: async_sessionmaker[AsyncSession], delivery: PacedDelivery
) -> Poller:
    async with sessions() as session:
        for channel in CHANNELS:
            await SubscriptionRepository(session).save(
                channel,
                1,
                project_identifier="alpha",
                project_name="Alpha",
                created_by_slack_user="UALICE",
                created_by_login="alice",
            )
        await session.commit()
    poller = offline_poller(sessions, delivery, changed_issue)
    return poller


async def subscriptions(sessions: async_sessionmaker[AsyncSession]) -> list[Any]:
    async with sessions() as session:
        return list(await SubscriptionRepository(session).active())


async def test_an_issues_channels_are_told_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    delivery = PacedDelivery(CHANNELS)
    poller = await poller_with(sessions, delivery)
    posted = await poller.process_issue(42, await subscriptions(sessions))
    assert posted == 6  # in each channel the card, then the note in its thread
    for channel in CHANNELS:
        card, note = [ts for c, ts in delivery.posts if c == channel]
        assert card is None and note is not None


async def test_a_channel_that_fails_fails_the_issue_and_leaves_the_others_delivered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    delivery = PacedDelivery(CHANNELS, failing=frozenset({"CLEADS"}))
    poller = await poller_with(sessions, delivery)
    with pytest.raises(DeliveryFailed):  # the issue is retried next cycle
        await poller.process_issue(42, await subscriptions(sessions))
    async with sessions() as session:
        repo = DeliveryRepository(session)
        assert await repo.delivered_journal_ids("CTEAM", [7]) == {7}
        assert await repo.delivered_journal_ids("CSUPPORT", [7]) == {7}
        assert await repo.delivered_journal_ids("CLEADS", [7]) == set()  # retried next cycle


async def test_two_subscriptions_of_one_channel_share_its_thread_and_post_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # A channel may follow a project with its subprojects and one of those subprojects
    # too: both match the issue, and they go in turn, or both would post its card.
    async with sessions() as session:
        repo = SubscriptionRepository(session)
        for project_id in (1, 2):
            await repo.save(
                "CTEAM",
                project_id,
                project_identifier=f"p{project_id}",
                project_name=f"P{project_id}",
                created_by_slack_user="UALICE",
                created_by_login="alice",
            )
        await session.commit()
    delivery = PacedDelivery(["CTEAM"])
    poller = await poller_with(sessions, delivery)
    both = [s for s in await subscriptions(sessions) if s.channel_id == "CTEAM"]
    assert len(both) == 2
    assert await poller.process_issue(42, both) == 2
    assert [ts is None for c, ts in delivery.posts if c == "CTEAM"] == [True, False]
