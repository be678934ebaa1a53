"""News (global and per project)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import News as NewsItem

NEWS = "/news.json"
PROJECT_NEWS = "/projects/{project}/news.json"
NEWS_ITEM = "/news/{id}.json"


class News(ResourceGroup):
    async def all(self, project: int | str | None = None) -> AsyncIterator[NewsItem]:
        path = PROJECT_NEWS.format(project=project) if project is not None else NEWS
        async for item in self.client.paginate(path, "news"):
            yield NewsItem.model_validate(item)

    async def get(self, news_id: int) -> NewsItem:
        return await self.read_one(NEWS_ITEM.format(id=news_id), "news", NewsItem)

    async def create(self, project: int | str, *, title: str, **fields: Any) -> None:
        """Redmine answers 204 with no body, so there is nothing to return."""
        await self.client.post(
            PROJECT_NEWS.format(project=project), {"news": {"title": title, **fields}}
        )

    async def update(self, news_id: int, **fields: Any) -> None:
        await self.client.put(NEWS_ITEM.format(id=news_id), {"news": fields})

    async def delete(self, news_id: int) -> None:
        await self.client.delete(NEWS_ITEM.format(id=news_id))
