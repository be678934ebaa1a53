"""A poller wired to the real Redmine, the fake Slack and a fresh database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_services
from bot.cli import build_poller
from bot.config import Settings
from bot.notify.delivery import SlackDelivery
from bot.notify.poller import Poller
from bot.services import Services
from bot.store.repositories import SubscriptionRepository
from tests.integration.slack_harness import settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack


@dataclass
class Notifier:
    services: Services
    poller: Poller
    settings: Settings
    fake: FakeSlack
    seed: Seed

    async def subscribe(
        self, channel: str = "CPUBLIC", project: str = "alpha", **options: Any
    ) -> int:
        # Changes in the very second of subscribing count (Redmine's timestamps have whole
        # seconds); start on a fresh second so earlier tests' changes stay out.
        await asyncio.sleep(1.02 - time.time() % 1)
        async with self.services.sessions() as session:
            sub = await SubscriptionRepository(session).save(
                channel,
                self.seed.projects[project],
                project_identifier=project,
                project_name=project.title(),
                created_by_slack_user="UALICE",
                created_by_login="alice",
                **options,
            )
            await session.commit()
            return sub.id

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.fake.of("chat.postMessage")
            if channel is None or c.args.get("channel") == channel
        ]


def make_poller(services: Services, **kwargs: Any) -> Poller:
    delivery = SlackDelivery(services.slack, pace=0, backoff=0.01)
    return build_poller(services, delivery=delivery, **kwargs)


@pytest.fixture
async def notifier(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[Notifier]:
    settings = settings_for(redmine_seed, fake_slack, tmp_path / "notify.sqlite3")
    async with open_services(settings) as services:
        poller = make_poller(services)
        await poller.run_cycle()  # first start: the cursor begins now
        yield Notifier(services, poller, settings, fake_slack, redmine_seed)
