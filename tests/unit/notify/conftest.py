"""Two workers (two engines, as two processes would have) on one database, each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store import db
from tests.databases import BACKENDS, empty_postgres

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(params=BACKENDS)
async def two_workers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Sessions, Sessions]]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        await empty_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = db.create_engine(url), db.create_engine(url)
    await db.migrate(first)
    yield db.session_factory(first), db.session_factory(second)
    await first.dispose()
    await second.dispose()
