"""What every action test gets: a Redmine view on a host respx answers for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.redmine import Redmine, RedmineClient

URL = "http://redmine.test"


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield Redmine(client)
