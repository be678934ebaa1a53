"""Who in Slack a Redmine user is, for personal notifications, and who a note mentions.

A Redmine user maps to the Slack user who connected that account (UserLink), else to the
Slack user whose email Slack finds for the Redmine account's mail (`users.lookupByEmail`).
Every answer is cached (a miss too), so a busy cycle asks Redmine and Slack once per person.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import NotFoundError, RedmineHTTPError
from bot.redmine.models import User
from bot.store.models import UserLink

log = logging.getLogger(__name__)

PEOPLE_TTL = 600.0  # a new connection or a changed mail is seen within ten minutes


@dataclass(frozen=True)
class Recipient:
    redmine_user_id: int
    login: str
    slack_user_id: str


class RecipientDirectory:
    def __init__(
        self,
        *,
        redmine: Redmine,
        slack: AsyncWebClient,
        sessions: async_sessionmaker[AsyncSession],
        ttl: float = PEOPLE_TTL,
    ) -> None:
        self._redmine = redmine  # the admin view: it reads users and their mail
        self._slack = slack
        self._sessions = sessions
        self._cache = TTLCache(ttl)

    async def recipient(self, redmine_user_id: int) -> Recipient | None:
        """The Slack person for a Redmine user, None when there is none (or it is a group)."""
        found: Recipient | bool = await self._cache.get_or_load(
            ("recipient", redmine_user_id), lambda: self._find(redmine_user_id)
        )
        return found if isinstance(found, Recipient) else None

    async def _find(self, redmine_user_id: int) -> Recipient | bool:
        user = await self._user(redmine_user_id)
        if user is None or not user.is_active:
            return False
        async with self._sessions() as session:
            linked = await session.execute(
                select(UserLink.slack_user_id)
                .where(UserLink.redmine_user_id == redmine_user_id)
                .order_by(UserLink.updated_at.desc())
            )
            slack_user_id = linked.scalars().first()
        if slack_user_id is None and user.mail:
            slack_user_id = await self._slack_by_email(user.mail)
        if not slack_user_id:
            return False
        return Recipient(redmine_user_id, user.login, slack_user_id)

    async def _user(self, redmine_user_id: int) -> User | None:
        try:
            return await self._redmine.users.get(redmine_user_id)
        except NotFoundError:
            return None  # a group, or a user deleted since
        except RedmineHTTPError as error:
            log.info("cannot read Redmine user %s: %s", redmine_user_id, error)
            return None

    async def _slack_by_email(self, mail: str) -> str | None:
        try:
            answer = await self._slack.users_lookupByEmail(email=mail)
        except SlackApiError as error:
            # users_not_found (api.slack.com/methods/users.lookupByEmail): nobody in Slack.
            log.debug("users.lookupByEmail: %s", error.response.get("error"))
            return None
        user = answer.get("user") or {}
        if user.get("deleted") or user.get("is_bot"):
            return None
        return str(user.get("id") or "") or None

    async def mentioned_in(self, note: str) -> set[int]:
        """Active users whose `@login` or full name the note contains."""
        if not note.strip():
            return set()
        users: list[User] = await self._cache.get_or_load("active-users", self._active_users)
        return {user.id for user in users if mentions(note, user)}

    async def _active_users(self) -> list[User]:
        return [user async for user in self._redmine.users.all()]


def mentions(note: str, user: User) -> bool:
    """Redmine's mention syntax `@login`, or the person's full name, as whole words."""
    if user.login and re.search(rf"(?<![\w@])@{re.escape(user.login)}(?![\w-])", note, re.I):
        return True
    full = f"{user.firstname} {user.lastname}".strip()
    return bool(
        user.firstname
        and user.lastname
        and re.search(rf"(?<!\w){re.escape(full)}(?!\w)", note, re.I)
    )
