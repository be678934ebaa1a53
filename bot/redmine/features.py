"""What this Redmine does differently, found by asking it, never by a version string.

Redmine publishes no version over REST, and what matters here is behaviour anyway:

- the users list's "every status" filter: 5.0 reads a blank `status=` as every status
  and `status=*` as no user at all; 5.1 deprecated the blank (Redmine #40099) and 6.0
  refuses it with 422 "Status cannot be blank" (#40124), taking `status=*` instead;
- an OAuth2 provider (doorkeeper, Redmine 6.1, #24808): `/oauth/authorize` exists.

Each is probed once per client and remembered by every view of it (one Redmine is one
set of answers); a probe that cannot tell (Redmine down, a refused key) is not
remembered, so the next call asks again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.redmine.errors import ServerError, ValidationError

if TYPE_CHECKING:
    from bot.redmine.client import RedmineClient

USERS = "/users.json"
OAUTH_AUTHORIZE = "/oauth/authorize"

# The users list's value of `status` meaning "every status", by style.
EVERY_STATUS_BLANK = ""  # Redmine 5.0 (deprecated in 5.1)
EVERY_STATUS_STAR = "*"  # Redmine 6.0 and newer


@dataclass
class Features:
    """The probed answers, shared by a client and all its views."""

    every_user_status: str | None = None
    oauth2: bool | None = None

    def __post_init__(self) -> None:
        self._lock = asyncio.Lock()

    async def users_every_status(self, client: RedmineClient) -> str:
        """The `status` value that lists users of every status on this Redmine.

        One `GET /users.json?status=&limit=1` tells: 6.x refuses the blank with 422.
        Admin only, like the list itself: a refused key raises and nothing is remembered.
        """
        if self.every_user_status is not None:
            return self.every_user_status
        async with self._lock:
            if self.every_user_status is None:
                try:
                    await client.get(USERS, {"status": EVERY_STATUS_BLANK, "limit": 1})
                except ValidationError:
                    self.every_user_status = EVERY_STATUS_STAR
                else:
                    self.every_user_status = EVERY_STATUS_BLANK
            return self.every_user_status

    async def has_oauth2(self, client: RedmineClient) -> bool:
        """Whether Redmine is an OAuth2 provider: its authorization endpoint exists.

        Asked without credentials: Redmine 6.1 answers the bare endpoint with a page
        (or a redirect to log in); older Redmines have no such route and answer 404.
        """
        if self.oauth2 is not None:
            return self.oauth2
        status = await client.status_of(OAUTH_AUTHORIZE)
        if status >= 500:
            # Redmine (or a proxy in front) is in trouble, which tells nothing: not kept.
            raise ServerError(
                "Redmine server error", method="GET", path=OAUTH_AUTHORIZE, status=status
            )
        self.oauth2 = status != 404
        return self.oauth2


__all__ = [
    "EVERY_STATUS_BLANK",
    "EVERY_STATUS_STAR",
    "Features",
]
