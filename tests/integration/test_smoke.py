"""The seeded Redmine is what the other integration tests assume."""

from __future__ import annotations

import pytest

from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError
from tests.redmine_server import Seed


async def test_issue_created_as_user_is_authored_by_that_user(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    issue = await redmine.as_user("bob").issues.create(
        project_id=redmine_seed.projects["alpha"],
        tracker_id=redmine_seed.trackers["Bug"],
        subject="Smoke: created as bob",
    )
    assert issue.author is not None and issue.author.id == redmine_seed.users["bob"].id
    fetched = await redmine.issues.get(issue.id)
    assert fetched.subject == "Smoke: created as bob"


async def test_locked_login_is_refused_with_412(redmine: Redmine) -> None:
    with pytest.raises(ImpersonationError) as caught:
        await redmine.as_user("carol").users.current()
    assert caught.value.status == 412 and caught.value.login == "carol"
