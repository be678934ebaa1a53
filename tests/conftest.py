from __future__ import annotations

from pathlib import Path

import pytest

from tests.databases import start_postgres

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
