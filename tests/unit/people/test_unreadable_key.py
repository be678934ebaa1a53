"""A connected API key sealed with another SECRET_KEY: the person is told what to do, in
their language; the crypto error's English stays in the log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import translator_for, using
from bot.people.identity import IdentityResolver, NotLinked
from bot.redmine import Redmine, RedmineClient
from bot.store import crypto, db
from bot.store.repositories import UserLinkRepository

URL = "http://redmine.test"


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await db.migrate(engine)
    factory = db.session_factory(engine)
    async with factory() as session:
        await UserLinkRepository(session).upsert(
            "U1",
            redmine_login="alice",
            redmine_user_id=5,
            method="api_key",
            encrypted_api_key=crypto.encrypt("a" * 40, "the old secret"),
        )
        await session.commit()
    yield factory
    await engine.dispose()


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja-JP", ["API アクセスキーを読み取れなくなりました", "`/redmine connect`"]),
        ("de-DE", ["API-Schlüssel nicht mehr lesen", "`/redmine connect` erneut"]),
        ("en-US", ["I can't read the Redmine API key you connected any more"]),
    ],
)
async def test_a_key_sealed_with_another_secret_is_explained_in_the_persons_language(
    sessions: async_sessionmaker[AsyncSession], locale: str, words: list[str]
) -> None:
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        resolver = IdentityResolver(
            redmine=Redmine(client),
            slack=AsyncWebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/"),
            sessions=sessions,
            admin_mode=False,  # connected keys only: the stored key is needed
            secret_key="the new secret",
        )
        with using(translator_for(locale)), pytest.raises(NotLinked) as refused:
            await resolver.resolve("U1")
    message = refused.value.message
    assert all(word in message for word in words), message
    assert "another SECRET_KEY" not in message  # the crypto error is for the log
