from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.databases import start_postgres
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, start_fake_slack

INTEGRATION = Path(__file__).resolve().parent / "integration"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test under tests/integration/ needs the real Redmine: mark it, so that
    # `pytest -m "not integration"` runs the unit tests alone in seconds.
    for item in items:
        if INTEGRATION in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return start_postgres()


@pytest.fixture(scope="module")
def served_slack() -> Iterator[FakeSlack]:
    """The local fake Slack on a loopback port, for one module's tests over real HTTP."""
    fake, server = start_fake_slack()
    yield fake
    server.stop()


@pytest.fixture
async def slack(served_slack: FakeSlack) -> AsyncIterator[tuple[FakeSlack, AsyncWebClient]]:
    """The fake, reset, with Alice, Bob and #CPUBLIC, and slack_sdk's client aimed at it."""
    served_slack.reset()
    served_slack.add_user("UALICE", "alice@example.com")
    served_slack.add_user("UBOB", "bob@example.com")
    served_slack.add_channel("CPUBLIC")
    yield served_slack, AsyncWebClient(token=BOT_TOKEN, base_url=served_slack.base_url + "api/")
