"""Version differences found by behaviour, on the real Redmine of this run (5.0, 6.0, 6.1).

CI runs this file on each (REDMINE_VERSION, scripts/redmine-local.sh): the adapter must
find the right answer by asking, whichever one answers.
"""

from __future__ import annotations

import pytest

from bot.check import check_redmine
from bot.config import Settings
from bot.redmine import Redmine
from bot.redmine.features import EVERY_STATUS_BLANK, EVERY_STATUS_STAR
from bot.redmine.users import EVERY_STATUS, STATUS_LOCKED
from tests.redmine_server import Seed, redmine_version

pytestmark = pytest.mark.integration

SIX = redmine_version().startswith("6.")
OAUTH = redmine_version() == "6.1"


async def test_every_status_lists_active_and_locked_users(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    every = {u.login async for u in redmine.users.all(status=EVERY_STATUS)}
    active = {u.login async for u in redmine.users.all()}
    locked = {u.login async for u in redmine.users.all(status=STATUS_LOCKED)}
    assert {"alice", "bob", "carol", "dave", "erin"} <= every
    assert "carol" in locked and "carol" not in active
    assert every >= active | locked
    expected = EVERY_STATUS_STAR if SIX else EVERY_STATUS_BLANK
    assert redmine.client.features.every_user_status == expected


async def test_oauth2_is_found_where_redmine_has_it(redmine: Redmine) -> None:
    assert await redmine.client.features.has_oauth2(redmine.client) is OAUTH


async def test_check_names_what_it_found(redmine_seed: Seed) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        redmine_url=redmine_seed.url,
        redmine_api_key=redmine_seed.admin_key,
    )
    lines = "\n".join(f.line() for f in await check_redmine(settings))
    assert "FAIL" not in lines
    assert (
        "users' status filter: 6.x style" if SIX else "users' status filter: 5.0 style"
    ) in lines
    assert ("OAuth2: available" if OAUTH else "OAuth2: not available") in lines
