"""Full-text search."""

from __future__ import annotations

from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import SearchResult

SEARCH = "/search.json"


class Search(ResourceGroup):
    async def page(
        self,
        query: str,
        *,
        offset: int = 0,
        limit: int = 10,
        scope: str | None = None,
        titles_only: bool = False,
        open_issues: bool = False,
        **kinds: bool,
    ) -> tuple[list[SearchResult], int]:
        """One page of results and the total. `kinds`: `issues=True`, `wiki_pages=True`..."""
        params: dict[str, Any] = {
            "q": query,
            "offset": offset,
            "limit": limit,
            "scope": scope,
            "titles_only": titles_only or None,
            "open_issues": open_issues or None,
            **{kind: True for kind, wanted in kinds.items() if wanted},
        }
        body = await self.client.get(SEARCH, params)
        results = [SearchResult.model_validate(item) for item in body.get("results", [])]
        return results, _total(body.get("total_count"), len(results))


def _total(total_count: object, found: int) -> int:
    """Redmine answers `"total_count": null` when it reduces the query to no words (one
    letter, a lone number): that is no results, not an error."""
    if isinstance(total_count, int) and not isinstance(total_count, bool):
        return max(total_count, found)
    return found
