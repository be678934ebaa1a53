"""The store's tests run on SQLite and on a real PostgreSQL (through asyncpg).

PostgreSQL comes from TEST_POSTGRES_URL, or from scripts/postgres-local.sh (started
once per session); where neither can be had the Postgres variants skip with the reason.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgres-local.sh"
BACKENDS = ["sqlite", "postgres"]


def start_postgres() -> str:
    """A Postgres URL for the session, or skip (never in CI: there it must exist)."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        return url
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=180
    )
    if started.returncode != 0:
        reason = f"no PostgreSQL for the store tests: {started.stderr.strip()[-300:]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return subprocess.run(
        ["bash", str(SCRIPT), "url"], capture_output=True, text=True, check=True
    ).stdout.strip()


async def empty_postgres(url: str) -> None:
    """Drop every table, so each test starts from migrations on an empty database."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
