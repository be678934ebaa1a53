"""Groups and their members (admin only)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import Group

GROUPS = "/groups.json"
GROUP = "/groups/{id}.json"
GROUP_USERS = "/groups/{id}/users.json"
GROUP_USER = "/groups/{id}/users/{user_id}.json"


class Groups(ResourceGroup):
    async def all(self) -> AsyncIterator[Group]:
        async for item in self.client.paginate(GROUPS, "groups"):
            yield Group.model_validate(item)

    async def get(self, group_id: int, *, include: Iterable[str] = ()) -> Group:
        """Includes: `users`, `memberships`."""
        body = await self.client.get(
            GROUP.format(id=group_id), {"include": ",".join(include) or None}
        )
        return Group.model_validate(body["group"])

    async def create(self, name: str, **fields: Any) -> Group:
        return await self.create_one(GROUPS, "group", Group, {"name": name, **fields})

    async def update(self, group_id: int, **fields: Any) -> None:
        await self.client.put(GROUP.format(id=group_id), {"group": fields})

    async def delete(self, group_id: int) -> None:
        await self.client.delete(GROUP.format(id=group_id))

    async def add_user(self, group_id: int, user_id: int) -> None:
        await self.client.post(GROUP_USERS.format(id=group_id), {"user_id": user_id})

    async def remove_user(self, group_id: int, user_id: int) -> None:
        await self.client.delete(GROUP_USER.format(id=group_id, user_id=user_id))
