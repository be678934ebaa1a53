"""Show one issue, as the person sees it (Redmine answers 403/404 for what they may not)."""

from __future__ import annotations

from bot.redmine import Redmine
from bot.redmine.models import Issue


async def show_issue(redmine: Redmine, issue_id: int) -> Issue:
    return await redmine.issues.get(issue_id)
