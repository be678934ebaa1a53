"""Which changed issues a saved-query subscription follows, asked of Redmine each cycle.

Redmine evaluates the query (`GET /issues.json?query_id=N`), as the subscriber, so a
query narrowed by their permissions never shows a channel more than they may see, and a
subscriber who lost access (or whose query was deleted or made private) gets nothing.

Cost: nothing for a subscription without candidates (changed issues in the query's
project or its subprojects, or any changed issue for a global query); otherwise one
request, newest first by `updated_on`, paged only while the results are newer than the
oldest candidate (so a second page only when over a hundred of the query's issues
changed since then).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.people.identity import IdentityResolver, NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import RedmineHTTPError
from bot.redmine.models import Issue
from bot.store.models import Subscription

log = logging.getLogger(__name__)


def in_project_tree(project_id: int, root: int, parents: dict[int, int | None]) -> bool:
    seen: set[int] = set()
    current: int | None = project_id
    while current is not None and current not in seen:
        if current == root:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


class QueryMatcher:
    def __init__(self, identity: IdentityResolver, admin: Redmine) -> None:
        self.identity = identity
        self.admin = admin  # only for the project tree: the query runs as the subscriber

    async def matches(
        self, subscriptions: Sequence[Subscription], changed: Sequence[Issue]
    ) -> dict[int, set[int]]:
        """Subscription id -> the ids of `changed` issues its query finds."""
        followers = [s for s in subscriptions if s.query_id and s.digest_minute is None]
        if not followers or not changed:
            return {}
        parents: dict[int, int | None] = {}
        if any(s.project_id for s in followers):
            projects = await self.admin.projects.visible_cached()
            parents = {p.id: (p.parent.id if p.parent else None) for p in projects}
        found: dict[int, set[int]] = {}
        for sub in followers:
            candidates = [
                issue
                for issue in changed
                if not sub.project_id or in_project_tree(issue.project.id, sub.project_id, parents)
            ]
            if candidates:
                found[sub.id] = await self._evaluate(sub, candidates)
        return found

    async def _evaluate(self, sub: Subscription, candidates: Sequence[Issue]) -> set[int]:
        try:
            person = await self.identity.resolve(sub.created_by_slack_user)
        except NotLinked as error:
            log.info("query subscription %s: its subscriber is gone (%s)", sub.id, error.message)
            return set()
        redmine = self.identity.redmine_for(person)
        wanted = {issue.id for issue in candidates}
        oldest = min((i.updated_on for i in candidates if i.updated_on), default=None)
        hits: set[int] = set()
        try:
            async for issue in redmine.issues.of_query(
                sub.query_id, project_id=sub.project_id or None
            ):
                if issue.id in wanted:
                    hits.add(issue.id)
                if hits == wanted:
                    break
                # Newest first: past the oldest candidate, no candidate can follow.
                if oldest and issue.updated_on and issue.updated_on < oldest:
                    break
        except RedmineHTTPError as error:
            # 403/404: the query was made private or deleted, or the subscriber lost the
            # project. Nothing is shown rather than more than they may see.
            log.info("query subscription %s not evaluated: %s", sub.id, error)
            return set()
        return hits
