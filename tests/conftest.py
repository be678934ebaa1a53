from __future__ import annotations

import pytest

from tests.databases import start_postgres


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return start_postgres()
