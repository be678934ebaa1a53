"""The person's own open issues, most recently updated first."""

from __future__ import annotations

from bot.redmine import Redmine
from bot.redmine.models import Issue

MINE_LIMIT = 25


async def my_open_issues(redmine: Redmine) -> list[Issue]:
    issues, _ = await redmine.issues.page(
        assigned_to_id="me", status_id="open", sort="updated_on:desc", limit=MINE_LIMIT
    )
    return issues
