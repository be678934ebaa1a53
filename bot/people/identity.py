"""Who a Slack user is in Redmine, and the adapter view that acts as them.

In this order: an account the user connected with Redmine (OAuth2, Redmine 6.1+; see
oauth.py); else one they connected with their own API key; else the Slack profile email
matched exactly to one active Redmine user (only when REDMINE_API_KEY is an admin's,
since acting as that user needs impersonation); else a refusal that says how to connect.

Why that order: each is a narrower, more deliberate proof than the next. An OAuth token
was approved by the person in Redmine's own page, is limited to the scopes, runs out
and can be revoked there; a pasted key is the person's too, but unlimited and forever;
an email match is only the service's guess, acted on with the admin's key. The most
recent deliberate choice wins too: connecting with a key drops an OAuth connection.
A connection Redmine refused stays refused until the person connects again (no silent
fall back to the email match: they revoked it for a reason).

Answers are cached for a TTL; a 412 from Redmine drops the entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import N_, _
from bot.people.oauth import OAuthConnections
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import RECONNECT, AuthenticationError
from bot.redmine.models import User
from bot.redmine.users import STATUS_LOCKED
from bot.store import crypto
from bot.store.repositories import UserLinkRepository

log = logging.getLogger(__name__)

HOW_TO_CONNECT = N_(
    "Connect your account with `/redmine connect`: it asks for your Redmine API key "
    "(Redmine -> My account -> API access key -> Show)."
)
# Each refusal is one whole sentence for translators, the way to connect written out in it.
NO_EMAIL = N_(
    "I can't see an email address on your Slack profile, so I can't tell who you are in "
    "Redmine. Connect your account with `/redmine connect`: it asks for your Redmine API "
    "key (Redmine -> My account -> API access key -> Show)."
)
NO_MATCH = N_(
    "No active Redmine account has your Slack email ({email}), so I can't act for you. "
    "Connect your account with `/redmine connect`: it asks for your Redmine API key "
    "(Redmine -> My account -> API access key -> Show)."
)
LOCKED = N_(
    "Your Redmine account `{login}` is locked, so I can't act for you. Ask a Redmine "
    "administrator to unlock it."
)
KEYS_ONLY = N_(
    "This Redmine is set up so that everyone acts with their own API key. Connect your "
    "account with `/redmine connect`: it asks for your Redmine API key (Redmine -> My "
    "account -> API access key -> Show)."
)
SLACK_PROFILE_UNREADABLE = N_(
    "I couldn't read your Slack profile to find your Redmine account. Try again in a "
    "minute, or connect your account with `/redmine connect`: it asks for your Redmine "
    "API key (Redmine -> My account -> API access key -> Show)."
)
KEY_REJECTED = N_(
    "Redmine did not accept that API key. Copy it again from Redmine -> My account -> "
    "API access key -> Show, and make sure the REST API is enabled."
)
NO_SECRET_KEY = N_(
    "This service can't store personal API keys safely: ask whoever runs it to set SECRET_KEY."
)
# bot.store.crypto's error says why for the log; the person reads what to do.
KEY_UNREADABLE = N_(
    "I can't read the Redmine API key you connected any more: this service's SECRET_KEY "
    "has changed. Connect your account again with `/redmine connect`."
)


class NotLinked(Exception):
    """The Slack user has no usable Redmine account; `message` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    slack_user_id: str
    login: str
    redmine_user_id: int
    source: Literal["oauth", "connected", "email"]
    api_key: str | None = None  # only in connected-keys-only mode

    def describe(self) -> str:
        if self.source == "oauth":
            return _(
                "You act in Redmine as `{login}`: you connected with Redmine and approved "
                "this app there. `/redmine disconnect` undoes it.",
                login=self.login,
            )
        if self.source == "connected":
            return _(
                "You act in Redmine as `{login}`: you connected that account with its API key.",
                login=self.login,
            )
        return _(
            "You act in Redmine as `{login}`: its email matches the one on your Slack "
            "profile. Use `/redmine connect` to use another account.",
            login=self.login,
        )


class IdentityResolver:
    def __init__(
        self,
        *,
        redmine: Redmine,
        slack: AsyncWebClient,
        sessions: async_sessionmaker[AsyncSession],
        admin_mode: bool,
        secret_key: str | None,
        oauth: OAuthConnections | None = None,
        ttl: float = 300.0,
    ) -> None:
        self._redmine = redmine
        # Set where REDMINE_OAUTH_* and PUBLIC_URL are (and Redmine is an OAuth2 provider).
        self.oauth = oauth
        self._slack = slack
        self._sessions = sessions
        self.admin_mode = admin_mode
        self._secret_key = secret_key
        self._cache = TTLCache(ttl)

    def redmine_for(self, identity: Identity) -> Redmine:
        """The adapter view that acts as this person, never as the admin."""
        if identity.source == "oauth" and self.oauth is not None:
            bearer = self.oauth.bearer(identity.slack_user_id, identity.redmine_user_id)
            return self._redmine.with_bearer(bearer)
        if identity.api_key is not None:
            return self._redmine.with_api_key(identity.api_key)
        return self._redmine.as_user(identity.login)

    def forget(self, slack_user_id: str) -> None:
        self._cache.discard(slack_user_id)

    async def resolve(self, slack_user_id: str) -> Identity:
        identity: Identity = await self._cache.get_or_load(
            slack_user_id, lambda: self._lookup(slack_user_id)
        )
        return identity

    async def _lookup(self, slack_user_id: str) -> Identity:
        if self.oauth is not None:
            token = await self.oauth.stored(slack_user_id)
            if token is not None and token.refused_at is not None:
                raise NotLinked(_(RECONNECT))
            if token is not None:
                return Identity(slack_user_id, token.redmine_login, token.redmine_user_id, "oauth")
        async with self._sessions() as session:
            link = await UserLinkRepository(session).get(slack_user_id)
        if link is not None:
            if self.admin_mode:
                return Identity(
                    slack_user_id, link.redmine_login, link.redmine_user_id, "connected"
                )
            if link.encrypted_api_key and self._secret_key:
                try:
                    key = crypto.decrypt(link.encrypted_api_key, self._secret_key)
                except crypto.CryptoError as error:
                    log.warning("the API key %s connected is unreadable: %s", slack_user_id, error)
                    raise NotLinked(_(KEY_UNREADABLE)) from None
                return Identity(
                    slack_user_id, link.redmine_login, link.redmine_user_id, "connected", key
                )
        if not self.admin_mode:
            raise NotLinked(_(KEYS_ONLY))
        email = await self._slack_email(slack_user_id)
        active = await self._users_with_mail(email, status=None)  # Redmine's default: active
        if len(active) == 1:
            user = active[0]
            return Identity(slack_user_id, user.login, user.id, "email")
        if not active:
            # The list carries no status field, so ask for locked accounts separately to
            # tell a locked person why, instead of "no account".
            locked = await self._users_with_mail(email, status=STATUS_LOCKED)
            if len(locked) == 1:
                raise NotLinked(_(LOCKED, login=locked[0].login))
        raise NotLinked(_(NO_MATCH, email=email))

    async def _users_with_mail(self, email: str, *, status: int | None) -> list[User]:
        """Users whose mail is exactly `email`: `name=` also matches logins and names."""
        return [
            user
            async for user in self._redmine.users.all(status=status, name=email)
            if (user.mail or "").strip().lower() == email
        ]

    async def _slack_email(self, slack_user_id: str) -> str:
        try:
            answer = await self._slack.users_info(user=slack_user_id)
        except SlackApiError as error:
            log.warning("users.info failed: %s", error.response.get("error"))
            raise NotLinked(_(SLACK_PROFILE_UNREADABLE)) from None
        user = answer.get("user") or {}
        email = str((user.get("profile") or {}).get("email") or "").strip().lower()
        if not email:
            raise NotLinked(_(NO_EMAIL))
        return email

    async def connect(self, slack_user_id: str, api_key: str) -> Identity:
        """Verify a personal API key with `GET /my/account.json` and remember the account.

        The key itself is stored (encrypted) only when the service has no admin key and
        must act with personal keys; with an admin key the login is enough.
        """
        api_key = api_key.strip()
        if not api_key:
            raise NotLinked(_(KEY_REJECTED))
        try:
            user = await self._redmine.with_api_key(api_key).my_account.get()
        except AuthenticationError:
            raise NotLinked(_(KEY_REJECTED)) from None
        store_key = not self.admin_mode
        if store_key and not self._secret_key:
            raise NotLinked(_(NO_SECRET_KEY))
        encrypted = (
            crypto.encrypt(api_key, self._secret_key) if store_key and self._secret_key else None
        )
        async with self._sessions() as session:
            await UserLinkRepository(session).upsert(
                slack_user_id,
                redmine_login=user.login,
                redmine_user_id=user.id,
                method="api_key",
                encrypted_api_key=encrypted,
            )
            await session.commit()
        if self.oauth is not None:
            # The newest deliberate choice wins: the key, not an older OAuth connection.
            await self.oauth.forget(slack_user_id)
        self.forget(slack_user_id)
        return Identity(
            slack_user_id, user.login, user.id, "connected", api_key if store_key else None
        )

    async def disconnect(self, slack_user_id: str) -> bool:
        async with self._sessions() as session:
            existed = await UserLinkRepository(session).delete(slack_user_id)
            await session.commit()
        if self.oauth is not None and await self.oauth.forget(slack_user_id):
            existed = True
        self.forget(slack_user_id)
        return existed
