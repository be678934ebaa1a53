"""Search: issues first, with their status (search results carry none); pages for "More"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.redmine import Redmine
from bot.redmine.models import SearchResult

PAGE = 10


@dataclass(frozen=True)
class SearchPage:
    query: str
    results: list[SearchResult]
    statuses: dict[int, str]
    offset: int
    total: int


async def search_issues(redmine: Redmine, query: str, offset: int = 0) -> SearchPage:
    """One page of results from `offset`; the first page for the command, later ones for "More"."""
    results, total = await redmine.search.page(query, offset=offset, limit=PAGE, issues=True)
    statuses: dict[int, str] = {}
    ids = [r.id for r in results if r.type.startswith("issue")]
    if ids:
        issues, _ = await redmine.issues.page(
            issue_id=",".join(map(str, ids)), status_id="*", limit=PAGE
        )
        statuses = {i.id: i.status.name for i in issues if i.status}
    return SearchPage(query, results, statuses, offset, total)
