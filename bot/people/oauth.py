"""Connect with Redmine (OAuth2, Redmine 6.1+): the signed links, the state, PKCE, the
callback's work, and each person's Bearer token kept fresh for the adapter.

The flow:

1. `/redmine connect` and the App Home show a link to our own
   `/redmine/oauth/start?link=...`: a *start link*, signed with SECRET_KEY and bound to
   the Slack user, valid for an hour (an App Home stays open a while).
2. `start` turns it into Redmine's authorization URL with a fresh *state* (signed, bound
   to the Slack user, a random nonce, valid 10 minutes like Redmine's codes) and a PKCE
   S256 challenge. The verifier is derived from the nonce with SECRET_KEY, so nothing is
   stored before the person comes back, and only this service can compute it.
3. The callback checks the state's signature and age, claims its nonce once (a replay is
   refused, across replicas), exchanges the code with the verifier, reads
   `/users/current.json` with the new token, and only then stores the tokens, encrypted.
   Any failure stores nothing.

Afterwards `bearer()` gives the adapter a source of the person's token that refreshes it
before it runs out, and on a refusal Redmine will not undo (revoked in Redmine, refresh
refused) marks it refused: the person is told to connect again and nothing acts for them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.redmine import Redmine
from bot.redmine.errors import OAuthTokenRefused, RedmineError, RedmineUnavailable
from bot.redmine.models import User
from bot.redmine.oauth import OAuthApplication, OAuthRefused, TokenGrant, code_challenge
from bot.store import crypto
from bot.store.models import OAuthToken
from bot.store.oauth import OAuthTokenRepository, UsedOAuthStates

log = logging.getLogger(__name__)

START_PATH = "/redmine/oauth/start"
CALLBACK_PATH = "/redmine/oauth/callback"
START_TTL = 3600.0  # seconds a start link in a message or the App Home works
STATE_TTL = 600.0  # seconds from leaving for Redmine to coming back (Redmine's code: 10 min)
REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before the token runs out
START, FLOW = "start", "flow"

Failure = Literal[
    "state_invalid",  # not ours, altered, or for another purpose
    "state_expired",
    "state_replayed",
    "denied",  # the person clicked Deny in Redmine
    "redmine_error",  # Redmine sent an error instead of a code
    "no_code",
    "exchange_refused",  # Redmine refused to exchange the code
    "unreachable",
    "account_unreadable",
    "not_configured",  # REDMINE_OAUTH_* or PUBLIC_URL unset on this service
]


class CallbackFailed(Exception):
    """The callback cannot connect anyone; `failure` says why, `detail` Redmine's words."""

    def __init__(self, failure: Failure, detail: str = "", language: str | None = None) -> None:
        super().__init__(failure)
        self.failure = failure
        self.detail = detail
        self.language = language  # the person's, when the state told it


@dataclass(frozen=True)
class Connected:
    slack_user_id: str
    login: str
    name: str
    redmine_user_id: int
    language: str | None


@dataclass(frozen=True)
class _Flow:
    slack_user_id: str
    nonce: str
    language: str | None


@dataclass
class _Fresh:
    """A person's decrypted tokens as last read or refreshed."""

    access: str
    refresh: str | None
    expires_at: datetime | None
    sealed_access: str  # the stored (encrypted) access token: which row this came from


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """HMAC-SHA256 tokens `payload.mac` (both base64url), keyed from SECRET_KEY.

    The key is derived for this use alone, so a signature here is worth nothing as an
    encrypted API key's key, and the other way round.
    """

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"redmine-slack oauth state\x00" + secret_key.encode()).digest()

    def _mac(self, data: bytes) -> bytes:
        return hmac.new(self._key, data, hashlib.sha256).digest()

    def sign(self, payload: dict[str, object]) -> str:
        data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(data)}.{_b64(self._mac(data))}"

    def verify(self, token: str, *, purpose: str, ttl: float, now: float) -> dict[str, object]:
        """The payload, or CallbackFailed (state_invalid / state_expired)."""
        try:
            data_part, mac_part = token.split(".", 1)
            data, mac = _unb64(data_part), _unb64(mac_part)
        except ValueError:
            raise CallbackFailed("state_invalid") from None
        if not hmac.compare_digest(mac, self._mac(data)):
            raise CallbackFailed("state_invalid")
        payload = json.loads(data)
        if not isinstance(payload, dict) or payload.get("p") != purpose:
            raise CallbackFailed("state_invalid")
        issued = payload.get("t")
        language = payload.get("l") if isinstance(payload.get("l"), str) else None
        if not isinstance(issued, int) or not isinstance(payload.get("u"), str):
            raise CallbackFailed("state_invalid")
        if not (issued - 60 <= now <= issued + ttl):  # a minute of clock skew between replicas
            raise CallbackFailed("state_expired", language=str(language) if language else None)
        return payload

    def verifier(self, nonce: str) -> str:
        """The PKCE code verifier of a flow: 43 characters of base64url (RFC 7636, 4.1)."""
        return _b64(self._mac(b"pkce\x00" + nonce.encode()))


class OAuthConnections:
    """Everything "Connect with Redmine" does, for one Redmine and one registered app."""

    def __init__(
        self,
        *,
        redmine: Redmine,
        application: OAuthApplication,
        sessions: async_sessionmaker[AsyncSession],
        secret_key: str,
        public_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redmine = redmine
        self._app = application
        self._sessions = sessions
        self._secret_key = secret_key
        self._signer = Signer(secret_key)
        self._public_url = public_url.rstrip("/")
        self._clock = clock
        self._fresh: dict[str, _Fresh] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def available(self, *, seconds: float = 1.0) -> bool:
        """Whether Redmine is an OAuth2 provider: the probe's answer (made at start-up),
        else one probe bounded by `seconds`, so a Slack trigger still opens in time."""
        known = self._redmine.oauth2_known
        if known is not None:
            return known
        try:
            return await asyncio.wait_for(self._redmine.has_oauth2(), seconds)
        except (TimeoutError, RedmineError):
            return False

    # -- the links and the state ------------------------------------------------------

    def start_link(self, slack_user_id: str, language: str | None = None) -> str:
        """Our own URL that starts the flow for this Slack user (button in Slack)."""
        payload: dict[str, object] = {"p": START, "u": slack_user_id, "t": int(self._clock())}
        if language:
            payload["l"] = language
        return f"{self._public_url}{START_PATH}?{urlencode({'link': self._signer.sign(payload)})}"

    def authorize_url(self, link: str) -> str:
        """Redmine's authorization page for a start link, with a fresh state and PKCE.

        Raises CallbackFailed (state_invalid, state_expired) for a link that is not ours or
        ran out.
        """
        start = self._signer.verify(link, purpose=START, ttl=START_TTL, now=self._clock())
        nonce = secrets.token_urlsafe(24)
        flow: dict[str, object] = {"p": FLOW, "u": start["u"], "n": nonce, "t": int(self._clock())}
        if start.get("l"):
            flow["l"] = start["l"]
        verifier = self._signer.verifier(nonce)
        return self._app.authorize_url(
            state=self._signer.sign(flow), challenge=code_challenge(verifier)
        )

    def _flow(self, state: str | None) -> _Flow:
        if not state:
            raise CallbackFailed("state_invalid")
        payload = self._signer.verify(state, purpose=FLOW, ttl=STATE_TTL, now=self._clock())
        nonce = payload.get("n")
        if not isinstance(nonce, str) or not nonce:
            raise CallbackFailed("state_invalid")
        language = payload.get("l")
        return _Flow(str(payload["u"]), nonce, language if isinstance(language, str) else None)

    # -- the callback -----------------------------------------------------------------

    async def finish(self, *, state: str | None, code: str | None, error: str | None) -> Connected:
        """What GET /redmine/oauth/callback does; CallbackFailed says why it could not.

        The state is claimed before the code is exchanged, so a replayed callback never
        reaches Redmine; nothing is stored unless the exchange and the account read worked.
        """
        flow = self._flow(state)
        language = flow.language
        async with self._sessions() as session:
            claimed = await UsedOAuthStates(session).claim(flow.nonce, flow.slack_user_id)
            await session.commit()
        if not claimed:
            raise CallbackFailed("state_replayed", language=language)
        if error:
            failure: Failure = "denied" if error == "access_denied" else "redmine_error"
            raise CallbackFailed(failure, error, language)
        if not code:
            raise CallbackFailed("no_code", language=language)
        try:
            grant = await self._app.exchange(code=code, verifier=self._signer.verifier(flow.nonce))
        except OAuthRefused as refused:
            raise CallbackFailed(
                "exchange_refused", refused.description or refused.error, language
            ) from None
        except RedmineUnavailable:
            raise CallbackFailed("unreachable", language=language) from None
        try:
            user = await self._redmine.with_bearer(_Given(grant.access_token)).users.current()
        except RedmineError as failed:
            log.warning("the new OAuth token could not read its account: %s", failed)
            raise CallbackFailed("account_unreadable", language=language) from None
        await self._store(flow.slack_user_id, user, grant)
        return Connected(flow.slack_user_id, user.login, user.name, user.id, language)

    async def _store(self, slack_user_id: str, user: User, grant: TokenGrant) -> _Fresh:
        fresh = self._seal(grant)
        async with self._sessions() as session:
            await OAuthTokenRepository(session).save(
                slack_user_id,
                redmine_login=user.login,
                redmine_user_id=user.id,
                encrypted_access_token=fresh.sealed_access,
                encrypted_refresh_token=(
                    crypto.encrypt(fresh.refresh, self._secret_key) if fresh.refresh else None
                ),
                expires_at=fresh.expires_at,
                scope=grant.scope,
            )
            await session.commit()
        self._fresh[slack_user_id] = fresh
        return fresh

    def _seal(self, grant: TokenGrant) -> _Fresh:
        now = datetime.fromtimestamp(self._clock(), UTC)
        expires = now + timedelta(seconds=grant.expires_in) if grant.expires_in else None
        sealed = crypto.encrypt(grant.access_token, self._secret_key)
        return _Fresh(grant.access_token, grant.refresh_token, expires, sealed)

    # -- each person's token ----------------------------------------------------------

    async def stored(self, slack_user_id: str) -> OAuthToken | None:
        async with self._sessions() as session:
            return await OAuthTokenRepository(session).get(slack_user_id)

    def bearer(self, slack_user_id: str, redmine_user_id: int) -> PersonBearer:
        return PersonBearer(self, slack_user_id, redmine_user_id)

    def _lock(self, slack_user_id: str) -> asyncio.Lock:
        return self._locks.setdefault(slack_user_id, asyncio.Lock())

    def _due(self, fresh: _Fresh) -> bool:
        if fresh.expires_at is None:
            return False
        return datetime.fromtimestamp(self._clock(), UTC) >= fresh.expires_at - REFRESH_MARGIN

    def _open(self, row: OAuthToken) -> _Fresh:
        try:
            access = crypto.decrypt(row.encrypted_access_token, self._secret_key)
            refresh = (
                crypto.decrypt(row.encrypted_refresh_token, self._secret_key)
                if row.encrypted_refresh_token
                else None
            )
        except crypto.CryptoError:
            # SECRET_KEY changed: the tokens are unreadable, which is a refusal too.
            raise OAuthTokenRefused(
                "stored OAuth token unreadable", method="GET", path="/", status=None
            ) from None
        return _Fresh(access, refresh, row.expires_at, row.encrypted_access_token)

    async def token(self, slack_user_id: str) -> str:
        fresh = self._fresh.get(slack_user_id)
        if fresh is not None and not self._due(fresh):
            return fresh.access
        async with self._lock(slack_user_id):
            row = await self.stored(slack_user_id)
            if row is None or row.refused_at is not None:
                self._fresh.pop(slack_user_id, None)
                raise OAuthTokenRefused("no OAuth token", method="GET", path="/", status=None)
            fresh = self._open(row)
            if self._due(fresh):
                fresh = await self._refresh(slack_user_id, row, fresh)
            self._fresh[slack_user_id] = fresh
            return fresh.access

    async def refused(self, slack_user_id: str, token: str) -> bool:
        """Redmine answered 401 to `token`: try a newer stored one, else a refresh; when
        neither helps, the token is marked refused and False says so."""
        async with self._lock(slack_user_id):
            row = await self.stored(slack_user_id)
            if row is None or row.refused_at is not None:
                self._fresh.pop(slack_user_id, None)
                return False
            fresh = self._open(row)
            if fresh.access != token and not self._due(fresh):
                self._fresh[slack_user_id] = fresh  # another replica refreshed it
                return True
            try:
                self._fresh[slack_user_id] = await self._refresh(slack_user_id, row, fresh)
            except OAuthTokenRefused:
                return False
            return True

    async def _refresh(self, slack_user_id: str, row: OAuthToken, fresh: _Fresh) -> _Fresh:
        """A new pair from the refresh token, stored; a refusal marks the row refused."""
        if fresh.refresh is not None:
            try:
                grant = await self._app.refresh(fresh.refresh)
            except OAuthRefused as refused:
                log.info("Redmine refused to refresh %s's token: %s", slack_user_id, refused.error)
            else:
                user = User(id=row.redmine_user_id, login=row.redmine_login)
                return await self._store(slack_user_id, user, grant)
        async with self._sessions() as session:
            marked = await OAuthTokenRepository(session).mark_refused(
                slack_user_id, fresh.sealed_access
            )
            await session.commit()
        self._fresh.pop(slack_user_id, None)
        if not marked:
            # Another replica stored a newer pair meanwhile: that one is good.
            newer = await self.stored(slack_user_id)
            if newer is not None and newer.refused_at is None:
                return self._open(newer)
        raise OAuthTokenRefused("OAuth token refused", method="POST", path="/", status=None)

    async def forget(self, slack_user_id: str) -> bool:
        """Drop the person's tokens (disconnect), revoking them in Redmine if it answers."""
        row = await self.stored(slack_user_id)
        if row is None:
            return False
        async with self._sessions() as session:
            await OAuthTokenRepository(session).delete(slack_user_id)
            await session.commit()
        self._fresh.pop(slack_user_id, None)
        if row.refused_at is None:
            try:
                await self._app.revoke(self._open(row).access)
            except RedmineError as error:
                log.info("could not revoke %s's token in Redmine: %s", slack_user_id, error)
        return True


class PersonBearer:
    """The adapter's source of one person's token (bot.redmine.oauth.BearerSource)."""

    def __init__(self, owner: OAuthConnections, slack_user_id: str, redmine_user_id: int) -> None:
        self._owner = owner
        self._slack_user_id = slack_user_id
        self.key = f"user:{redmine_user_id}"

    async def token(self) -> str:
        return await self._owner.token(self._slack_user_id)

    async def refused(self, token: str) -> bool:
        return await self._owner.refused(self._slack_user_id, token)


class _Given:
    """A token just issued, used once to read whose it is before anything is stored."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.key = "new:" + hashlib.sha256(token.encode()).hexdigest()[:16]

    async def token(self) -> str:
        return self._token

    async def refused(self, token: str) -> bool:
        return False
