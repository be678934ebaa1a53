"""Shared shape of a resource group: one client view, paths declared once, and the one
way a JSON answer becomes the adapter's models."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from bot.redmine.client import Params, RedmineClient

Model = TypeVar("Model", bound=BaseModel)


class ResourceGroup:
    """A group of related Redmine endpoints bound to one client view (one acting user)."""

    def __init__(self, client: RedmineClient) -> None:
        self.client = client

    async def read_list(
        self,
        path: str,
        key: str,
        model: type[Model],
        params: Params | None = None,
        *,
        cached: bool = False,
    ) -> list[Model]:
        """GET a collection: Redmine wraps it in `{key: [...]}` (absent when empty).
        `cached`: through the client's TTL cache, for data that rarely changes."""
        body = await self._get(path, params, cached)
        return [model.model_validate(item) for item in body.get(key, [])]

    async def read_one(
        self, path: str, key: str, model: type[Model], *, cached: bool = False
    ) -> Model:
        """GET one resource: Redmine wraps it in `{key: {...}}`."""
        body = await self._get(path, None, cached)
        return model.model_validate(body[key])

    async def create_one(self, path: str, key: str, model: type[Model], fields: Any) -> Model:
        """POST `{key: fields}`; Redmine answers with the created resource under `key`."""
        body = await self.client.post(path, {key: fields})
        return model.model_validate(body[key])

    async def _get(self, path: str, params: Params | None, cached: bool) -> dict[str, Any]:
        if cached:
            return await self.client.get_cached(path, params)
        return await self.client.get(path, params)
