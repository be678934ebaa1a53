"""OAuth2 ("Connect with Redmine"): each person's tokens, and the states already used.

The tokens arrive here encrypted (bot/people/oauth.py encrypts them with SECRET_KEY);
this module only keeps rows. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import OAuthToken, UsedOAuthState, utcnow
from bot.store.repositories import _insert_ignoring_duplicates

# A state is refused after its own lifetime anyway; its nonce is kept a while longer so
# that a replay within that time is told apart from a forged state.
KEEP_USED_STATES = timedelta(days=1)


class OAuthTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, slack_user_id: str) -> OAuthToken | None:
        return await self.session.get(OAuthToken, slack_user_id, populate_existing=True)

    async def save(
        self,
        slack_user_id: str,
        *,
        redmine_login: str,
        redmine_user_id: int,
        encrypted_access_token: str,
        encrypted_refresh_token: str | None,
        expires_at: datetime | None,
        scope: str,
    ) -> OAuthToken:
        """Store a fresh pair (a new connection or a refresh); clears any refusal."""
        token = await self.get(slack_user_id)
        now = utcnow()
        if token is None:
            token = OAuthToken(slack_user_id=slack_user_id, created_at=now)
            self.session.add(token)
        token.redmine_login = redmine_login
        token.redmine_user_id = redmine_user_id
        token.encrypted_access_token = encrypted_access_token
        token.encrypted_refresh_token = encrypted_refresh_token
        token.expires_at = expires_at
        token.scope = scope
        token.refused_at = None
        token.updated_at = now
        await self.session.flush()
        return token

    async def mark_refused(self, slack_user_id: str, encrypted_access_token: str) -> bool:
        """Record that Redmine refused this token, unless a newer one was stored meanwhile
        (another request or replica refreshed it): True when the refusal was recorded."""
        result = await self.session.execute(
            update(OAuthToken)
            .where(
                OAuthToken.slack_user_id == slack_user_id,
                OAuthToken.encrypted_access_token == encrypted_access_token,
            )
            .values(refused_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))

    async def delete(self, slack_user_id: str) -> bool:
        result = await self.session.execute(
            delete(OAuthToken).where(OAuthToken.slack_user_id == slack_user_id)
        )
        return bool(getattr(result, "rowcount", 0))


class UsedOAuthStates:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, nonce: str, slack_user_id: str) -> bool:
        """Mark the state's nonce used: True the first time, False for a replay.

        One INSERT that ignores a duplicate, so two callbacks racing with the same state
        (two tabs, two replicas) cannot both win.
        """
        now = utcnow()
        await self.session.execute(
            delete(UsedOAuthState).where(UsedOAuthState.used_at < now - KEEP_USED_STATES)
        )
        result = await self.session.execute(
            _insert_ignoring_duplicates(
                self.session,
                UsedOAuthState,
                [{"nonce": nonce, "slack_user_id": slack_user_id, "used_at": now}],
            )
        )
        return bool(getattr(result, "rowcount", 0))
