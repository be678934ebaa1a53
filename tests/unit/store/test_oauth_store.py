"""OAuth's rows on both backends: a state's nonce is claimed once, even by two callbacks
at the same moment; a refusal is recorded only against the token it was about."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.oauth import OAuthTokenRepository, UsedOAuthStates


async def test_the_migration_makes_the_oauth_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"oauth_tokens", "used_oauth_states"} <= tables


async def claim(sessions: async_sessionmaker[AsyncSession], nonce: str) -> bool:
    async with sessions() as session:
        won = await UsedOAuthStates(session).claim(nonce, "U1")
        await session.commit()
        return won


async def test_a_nonce_is_claimed_once_even_by_two_callbacks_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await asyncio.gather(claim(sessions, "n1"), claim(sessions, "n1")) in (
        [True, False],
        [False, True],
    )
    assert await claim(sessions, "n1") is False
    assert await claim(sessions, "n2") is True


async def save(sessions: async_sessionmaker[AsyncSession], sealed: str) -> None:
    async with sessions() as session:
        await OAuthTokenRepository(session).save(
            "U1",
            redmine_login="bob",
            redmine_user_id=7,
            encrypted_access_token=sealed,
            encrypted_refresh_token="sealed-refresh",
            expires_at=datetime.now(UTC) + timedelta(hours=2),
            scope="view_issues",
        )
        await session.commit()


async def test_a_refusal_counts_only_for_the_token_it_was_about(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await save(sessions, "sealed-1")
    await save(sessions, "sealed-2")  # refreshed meanwhile (another replica)
    async with sessions() as session:
        assert await OAuthTokenRepository(session).mark_refused("U1", "sealed-1") is False
        await session.commit()
    async with sessions() as session:
        token = await OAuthTokenRepository(session).get("U1")
        assert token is not None and token.refused_at is None
        assert await OAuthTokenRepository(session).mark_refused("U1", "sealed-2") is True
        await session.commit()
    async with sessions() as session:
        token = await OAuthTokenRepository(session).get("U1")
        assert token is not None and token.refused_at is not None
    await save(sessions, "sealed-3")  # connected again: the refusal is cleared
    async with sessions() as session:
        token = await OAuthTokenRepository(session).get("U1")
        assert token is not None and token.refused_at is None
        assert token.expires_at is not None and token.expires_at.tzinfo is not None
