"""Fixtures for tests against a real Redmine (see tests/redmine_server.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.redmine import Redmine, RedmineClient
from tests.integration.slack_harness import (
    RunningService,
    add_slack_users,
    run_service,
    settings_for,
)
from tests.redmine_server import (
    RedmineUnavailableForTests,
    Seed,
    seed,
    start_redmine,
    stop_redmine,
)
from tests.support.fakeslack import FakeSlack, start_fake_slack


@pytest.fixture(scope="session")
def redmine_seed() -> Seed:
    try:
        url, key = start_redmine()
    except RedmineUnavailableForTests as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the integration tests against a real Redmine: {error}")
        pytest.skip(str(error))
    return seed(url, key)


@pytest.fixture(scope="session")
def japanese_redmine_seed() -> Iterator[Seed]:
    """A second Redmine, seeded with Redmine's Japanese default data (`REDMINE_LANG=ja
    scripts/redmine-local.sh fresh`: trackers バグ/機能/サポート, statuses 新規/進行中/...,
    priorities 低め/通常/..., activities 設計作業/開発作業), and the same users and projects
    (plus Aiko). Started only by the tests that ask for it, stopped after the session."""
    try:
        url, key = start_redmine("ja")
    except RedmineUnavailableForTests as error:
        if os.environ.get("CI") and not os.environ.get("REDMINE_TEST_URL"):
            pytest.fail(f"CI must run the integration tests against a real Redmine: {error}")
        pytest.skip(str(error))
    try:
        yield seed(url, key, lang="ja")
    finally:
        stop_redmine("ja")


@pytest.fixture
async def redmine(redmine_seed: Seed) -> AsyncIterator[Redmine]:
    """The adapter with the admin key, a fresh connection pool per test."""
    client = RedmineClient(redmine_seed.url, redmine_seed.admin_key, backoff=0.05)
    async with client:
        yield Redmine(client)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    fake, server = start_fake_slack()
    yield fake
    server.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> Iterator[FakeSlack]:
    fake_slack_server.reset()
    add_slack_users(fake_slack_server)
    yield fake_slack_server
    # Every message and view the test made us send passed Slack's own Block Kit checks
    # (tests/support/blockkit.py), whether or not the test looked at it.
    assert not fake_slack_server.block_kit_errors, fake_slack_server.block_kit_errors


@pytest.fixture
def service(redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningService]:
    """The whole service on a loopback port: real Redmine, fake Slack, fresh database."""
    settings = settings_for(redmine_seed, fake_slack, tmp_path / "service.sqlite3")
    yield from run_service(settings, fake_slack, redmine_seed)


@pytest.fixture
def japanese_service(
    japanese_redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[RunningService]:
    """The whole service against the Redmine seeded in Japanese (japanese_redmine_seed)."""
    settings = settings_for(japanese_redmine_seed, fake_slack, tmp_path / "service.sqlite3")
    yield from run_service(settings, fake_slack, japanese_redmine_seed)
