"""Fixtures for tests against a real Redmine (see tests/redmine_server.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.redmine import Redmine, RedmineClient
from tests.redmine_server import RedmineUnavailableForTests, Seed, seed, start_redmine


@pytest.fixture(scope="session")
def redmine_seed() -> Seed:
    try:
        url, key = start_redmine()
    except RedmineUnavailableForTests as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the integration tests against a real Redmine: {error}")
        pytest.skip(str(error))
    return seed(url, key)


@pytest.fixture
async def redmine(redmine_seed: Seed) -> AsyncIterator[Redmine]:
    """The adapter with the admin key, a fresh connection pool per test."""
    client = RedmineClient(redmine_seed.url, redmine_seed.admin_key, backoff=0.05)
    async with client:
        yield Redmine(client)
