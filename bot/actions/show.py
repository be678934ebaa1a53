"""Show one issue, as the person sees it (Redmine answers 403/404 for what they may not)."""

from __future__ import annotations

from bot.redmine import Redmine
from bot.redmine.models import Issue


async def show_issue(redmine: Redmine, issue_id: int) -> Issue:
    """With its watchers where the person may see them: their card's Watch button then
    says whether a click watches or unwatches (bot.actions.card.watched_by)."""
    return await redmine.issues.get(issue_id, include=("watchers",))
