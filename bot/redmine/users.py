"""Users (incl. `current`) and the acting user's own account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

from bot.redmine.base import ResourceGroup
from bot.redmine.features import EVERY_STATUS_BLANK, EVERY_STATUS_STAR
from bot.redmine.models import User

USERS = "/users.json"
USER = "/users/{id}.json"
MY_ACCOUNT = "/my/account.json"

STATUS_ACTIVE, STATUS_REGISTERED, STATUS_LOCKED = 1, 2, 3
# Users of every status. Redmine spells it `status=` (5.0) or `status=*` (6.x); the
# spelling this Redmine takes is probed once (bot.redmine.features). Both spellings
# given here mean the same: every status, on whichever Redmine answers.
EVERY_STATUS: Final = "every"
_EVERY_SPELLINGS = frozenset({EVERY_STATUS, EVERY_STATUS_BLANK, EVERY_STATUS_STAR})


class Users(ResourceGroup):
    async def all(
        self,
        *,
        status: int | str | None = None,
        name: str | None = None,
        group_id: int | None = None,
    ) -> AsyncIterator[User]:
        """Users (admin only). `status=None` is Redmine's default, active only;
        `EVERY_STATUS` every status (spelt as this Redmine wants it)."""
        if isinstance(status, str) and status in _EVERY_SPELLINGS:
            status = await self.client.features.users_every_status(self.client)
        params = {"status": status, "name": name, "group_id": group_id}
        async for item in self.client.paginate(USERS, "users", params):
            yield User.model_validate(item)

    async def get(self, user_id: int | str, *, include: tuple[str, ...] = ()) -> User:
        """`user_id` may be `"current"`; includes: `memberships`, `groups`."""
        body = await self.client.get(
            USER.format(id=user_id), {"include": ",".join(include) or None}
        )
        return User.model_validate(body["user"])

    async def current(self) -> User:
        return await self.get("current")

    async def current_with_memberships(self) -> User:
        """The acting user with their memberships, cached per impersonated login.

        The cache is keyed by who acts; a view acting with a personal API key is read
        fresh each time, so its answer about "me" is never served to anyone else.
        """
        path, params = USER.format(id="current"), {"include": "memberships"}
        if self.client.switch_user is None:
            body = await self.client.get(path, params)
        else:
            body = await self.client.get_cached(path, params)
        return User.model_validate(body["user"])

    async def probe(self, seconds: float) -> None:
        """Raise a RedmineError unless Redmine answers for the acting user within `seconds`."""
        await self.client.probe(USER.format(id="current"), seconds=seconds)

    async def find_by_email(self, email: str) -> User | None:
        """The one active user whose mail is exactly `email` (case-insensitive), else None.

        `name=` matches login, names and mail loosely, so the mail is compared exactly here.
        """
        wanted = email.strip().lower()
        matches = [
            user
            async for user in self.all(name=wanted)
            if (user.mail or "").strip().lower() == wanted and user.is_active
        ]
        return matches[0] if len(matches) == 1 else None

    async def find_by_login(self, login: str) -> User | None:
        """The active user whose login is exactly `login` (case-insensitive), else None.

        Admin only, like every user listing: `name=` matches logins, names and mails
        loosely, so the login is compared exactly here."""
        wanted = login.strip().lower()
        matches = [user async for user in self.all(name=wanted) if user.login.lower() == wanted]
        return matches[0] if len(matches) == 1 else None

    async def create(self, **fields: Any) -> User:
        return await self.create_one(USERS, "user", User, fields)

    async def update(self, user_id: int, **fields: Any) -> None:
        await self.client.put(USER.format(id=user_id), {"user": fields})

    async def delete(self, user_id: int) -> None:
        await self.client.delete(USER.format(id=user_id))


class MyAccount(ResourceGroup):
    async def get(self) -> User:
        return await self.read_one(MY_ACCOUNT, "user", User)

    async def update(self, **fields: Any) -> None:
        await self.client.put(MY_ACCOUNT, {"user": fields})
