"""Issues: list with every filter, show with includes, create, update, delete, watchers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import Issue

ISSUES = "/issues.json"
ISSUE = "/issues/{id}.json"
WATCHERS = "/issues/{id}/watchers.json"
WATCHER = "/issues/{id}/watchers/{user_id}.json"

ISSUE_INCLUDES = frozenset(
    {
        "children",
        "attachments",
        "relations",
        "changesets",
        "journals",
        "watchers",
        "allowed_statuses",
    }
)


def redmine_time(value: datetime | date | str) -> str:
    """Render a timestamp as Redmine's filters expect: UTC `YYYY-MM-DDTHH:MM:SSZ`.

    Date-only values are read in the API user's time zone by Redmine, so datetimes are
    always sent as UTC (REDMINE-FACTS.md).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from datetime import UTC

            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _checked_includes(include: Iterable[str]) -> list[str]:
    wanted = list(include)
    unknown = set(wanted) - ISSUE_INCLUDES
    if unknown:
        raise ValueError(f"unknown include: {', '.join(sorted(unknown))}")
    return wanted


def date_filter(operator: str, *values: datetime | date | str) -> str:
    """Build a date filter value: `>=`, `<=`, `><` (between, two values), `>t-`, `t`, ...

    `date_filter(">=", since)` -> `>=2026-11-22T09:44:07Z`;
    `date_filter("><", a, b)` -> `><2026-11-01|2026-11-30`.
    """
    return operator + "|".join(redmine_time(v) for v in values)


# Ids per `issue_id=` list: Redmine's page is at most 100 issues, and the URL stays short.
PAGE_OF_IDS = 100


class Issues(ResourceGroup):
    async def all(
        self,
        *,
        project_id: int | str | None = None,
        status_id: int | str | None = None,
        filters: Mapping[str, Any] | None = None,
        sort: str | None = None,
        include: Iterable[str] = (),
    ) -> AsyncIterator[Issue]:
        """Every matching issue, paged. `status_id=None` means Redmine's default: open only.

        `filters` passes any other filter through, e.g. `tracker_id`, `assigned_to_id="me"`,
        `updated_on=date_filter(">=", t)`, `cf_3="value"`, `subject="~word"`.
        """
        params: dict[str, Any] = {
            "project_id": project_id,
            "status_id": status_id,
            "sort": sort,
            "include": ",".join(include) or None,
            **(filters or {}),
        }
        async for item in self.client.paginate(ISSUES, "issues", params):
            yield Issue.model_validate(item)

    async def of_query(
        self, query_id: int, *, project_id: int | None = None, sort: str = "updated_on:desc"
    ) -> AsyncIterator[Issue]:
        """The issues a saved query finds, as the acting user may see them, paged.

        Redmine 5 applies the saved query's own filters and ignores any other filter
        parameter (`sort` is honoured); a project's query needs its `project_id` (404
        without), and another user's private query answers 403."""
        params = {"query_id": query_id, "project_id": project_id, "sort": sort}
        async for item in self.client.paginate(ISSUES, "issues", params):
            yield Issue.model_validate(item)

    async def by_ids(self, issue_ids: Iterable[int]) -> list[Issue]:
        """The issues with these ids that the acting user may see, open or closed, in pages
        of a hundred ids (`issue_id=1,2,3`): one request per hundred, not one per issue."""
        wanted = sorted(set(issue_ids))
        found: list[Issue] = []
        for first in range(0, len(wanted), PAGE_OF_IDS):
            chunk = wanted[first : first + PAGE_OF_IDS]
            found.extend(
                [issue async for issue in self.all(status_id="*", filters={"issue_id": chunk})]
            )
        return found

    async def page(
        self, *, offset: int = 0, limit: int = 25, **params: Any
    ) -> tuple[list[Issue], int]:
        """One page of issues and the total count (for "More" buttons)."""
        body = await self.client.get(ISSUES, {**params, "offset": offset, "limit": limit})
        issues = [Issue.model_validate(item) for item in body.get("issues", [])]
        return issues, int(body.get("total_count", len(issues)))

    async def get(self, issue_id: int, *, include: Iterable[str] = ()) -> Issue:
        wanted = _checked_includes(include)
        body = await self.client.get(
            ISSUE.format(id=issue_id), {"include": ",".join(wanted) or None}
        )
        return Issue.model_validate(body["issue"])

    async def project_id_cached(self, issue_id: int) -> int:
        """The issue's project id through the TTL cache (per acting user).

        Issues rarely move between projects; remembering it lets a warm `log` make one
        request, the time entry itself. One cache key for the resource: the bare issue.
        """
        body = await self.client.get_cached(ISSUE.format(id=issue_id))
        return Issue.model_validate(body["issue"]).project.id

    async def get_served(
        self, issue_id: int, *, include: Iterable[str] = ()
    ) -> tuple[Issue, datetime | None]:
        """`get`, and when Redmine served the answer (its `Date` header), None without one.

        The poller compares that time with the issue's `updated_on` to know whether a
        change could still have been mid-write when it read the issue.
        """
        wanted = _checked_includes(include)
        response = await self.client.request(
            "GET", ISSUE.format(id=issue_id), params={"include": ",".join(wanted) or None}
        )
        issue = Issue.model_validate(response.json()["issue"])
        try:
            served_at: datetime | None = parsedate_to_datetime(response.headers["date"])
        except (KeyError, TypeError, ValueError):
            served_at = None
        return issue, served_at

    async def create(self, **fields: Any) -> Issue:
        """Create an issue (`project_id`, `subject`, `tracker_id`, `uploads`, `custom_fields`...)."""
        return await self.create_one(ISSUES, "issue", Issue, fields)

    async def update(self, issue_id: int, **fields: Any) -> None:
        """Change fields and/or add a note (`notes`, `private_notes`, `uploads`...)."""
        await self.client.put(ISSUE.format(id=issue_id), {"issue": fields})

    async def add_note(self, issue_id: int, notes: str, *, private: bool = False) -> None:
        await self.update(issue_id, notes=notes, private_notes=private)

    async def delete(self, issue_id: int) -> None:
        await self.client.delete(ISSUE.format(id=issue_id))

    async def add_watcher(self, issue_id: int, user_id: int) -> None:
        await self.client.post(WATCHERS.format(id=issue_id), {"user_id": user_id})

    async def remove_watcher(self, issue_id: int, user_id: int) -> None:
        await self.client.delete(WATCHER.format(id=issue_id, user_id=user_id))
