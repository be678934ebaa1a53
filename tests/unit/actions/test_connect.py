"""Connect, whoami, disconnect: a key checked with Redmine, the account remembered, then forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import respx
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import connect
from bot.people.identity import KEY_REJECTED, IdentityResolver, NotLinked
from bot.redmine import Redmine, RedmineClient
from bot.store import db

URL = "http://redmine.test"
KEY = "a" * 40


@pytest.fixture
async def identities(tmp_path: Path) -> AsyncIterator[IdentityResolver]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await db.migrate(engine)
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield IdentityResolver(
            redmine=Redmine(client),
            # Never called: a connected account is found in the store, not by e-mail.
            slack=AsyncWebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/"),
            sessions=db.session_factory(engine),
            admin_mode=True,
            secret_key=None,
        )
    await engine.dispose()


@respx.mock
async def test_a_key_redmine_accepts_connects_and_whoami_then_says_so(
    identities: IdentityResolver,
) -> None:
    checked = respx.get(f"{URL}/my/account.json").respond(
        200, json={"user": {"id": 5, "login": "alice"}}
    )
    connected = await connect.connect(identities, "U1", f"  {KEY} ")
    assert checked.calls.last.request.headers["X-Redmine-API-Key"] == KEY
    assert (connected.login, connected.redmine_user_id, connected.source) == (
        "alice",
        5,
        "connected",
    )
    assert connected.api_key is None  # with an admin key the login is enough: no key kept
    assert await connect.whoami(identities, "U1") == connected


@respx.mock
async def test_a_key_redmine_refuses_is_answered_and_nothing_is_kept(
    identities: IdentityResolver,
) -> None:
    respx.get(f"{URL}/my/account.json").respond(401, json={})
    with pytest.raises(NotLinked) as refused:
        await connect.connect(identities, "U1", KEY)
    assert refused.value.message == KEY_REJECTED
    assert (await connect.disconnect(identities, "U1")).existed is False


@respx.mock
async def test_disconnect_forgets_the_account_once(identities: IdentityResolver) -> None:
    respx.get(f"{URL}/my/account.json").respond(200, json={"user": {"id": 5, "login": "alice"}})
    await connect.connect(identities, "U1", KEY)
    assert (await connect.disconnect(identities, "U1")).existed is True
    assert (await connect.disconnect(identities, "U1")).existed is False
