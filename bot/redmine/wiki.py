"""Wiki pages, their versions, and optimistic locking (409 on a stale version)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.redmine.base import ResourceGroup
from bot.redmine.models import WikiPage, WikiPageIndexEntry

WIKI_INDEX = "/projects/{project}/wiki/index.json"
WIKI_PAGE = "/projects/{project}/wiki/{title}.json"
WIKI_PAGE_VERSION = "/projects/{project}/wiki/{title}/{version}.json"


def _title(title: str) -> str:
    return quote(title, safe="")


class Wiki(ResourceGroup):
    async def index(self, project: int | str) -> list[WikiPageIndexEntry]:
        return await self.read_list(
            WIKI_INDEX.format(project=project), "wiki_pages", WikiPageIndexEntry
        )

    async def get(
        self,
        project: int | str,
        title: str,
        *,
        version: int | None = None,
        include_attachments: bool = False,
    ) -> WikiPage:
        path = (
            WIKI_PAGE_VERSION.format(project=project, title=_title(title), version=version)
            if version is not None
            else WIKI_PAGE.format(project=project, title=_title(title))
        )
        body = await self.client.get(
            path, {"include": "attachments" if include_attachments else None}
        )
        return WikiPage.model_validate(body["wiki_page"])

    async def save(
        self,
        project: int | str,
        title: str,
        *,
        text: str,
        version: int | None = None,
        comments: str | None = None,
        **fields: Any,
    ) -> None:
        """Create or update a page. With `version`, Redmine refuses (409, ConflictError) when
        the page changed since that version was read."""
        page: dict[str, Any] = {"text": text, **fields}
        if version is not None:
            page["version"] = version
        if comments is not None:
            page["comments"] = comments
        await self.client.put(
            WIKI_PAGE.format(project=project, title=_title(title)), {"wiki_page": page}
        )

    async def delete(self, project: int | str, title: str) -> None:
        await self.client.delete(WIKI_PAGE.format(project=project, title=_title(title)))
