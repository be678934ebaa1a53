"""Redmine 6.1's OAuth2 provider (doorkeeper): the authorization URL, the token endpoint,
PKCE, and the source of a person's Bearer token for the client's views.

What Redmine does (read in its 6.1 source, tried on a real 6.1; docs/redmine.md):
authorization code grant only, refresh tokens on, PKCE (S256) accepted, codes single use
for 10 minutes, access tokens valid 2 hours, scopes are Redmine's permission names.
The token endpoint takes the client's id and secret in the form and never an API key:
these requests go out without the service's `X-Redmine-API-Key`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

import httpx

from bot.redmine.errors import OAuthTokenRefused, RedmineError

if TYPE_CHECKING:
    from bot.redmine.client import RedmineClient

log = logging.getLogger(__name__)

AUTHORIZE = "/oauth/authorize"
TOKEN = "/oauth/token"
REVOKE = "/oauth/revoke"


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636, 4.2): BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class TokenGrant:
    """What `/oauth/token` answered: a Bearer access token and what goes with it."""

    access_token: str
    refresh_token: str | None
    expires_in: int | None  # seconds; None when Redmine's tokens do not expire
    scope: str

    @classmethod
    def from_answer(cls, body: Any) -> TokenGrant:
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ValueError("no access_token in the answer")
        if str(body.get("token_type", "")).lower() != "bearer":
            raise ValueError(f"token_type {body.get('token_type')!r} is not Bearer")
        expires = body.get("expires_in")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
            expires_in=int(expires) if expires is not None else None,
            scope=str(body.get("scope") or ""),
        )


class OAuthRefused(RedmineError):
    """The token endpoint refused: `error` is OAuth's code (`invalid_grant`, ...)."""

    def __init__(self, error: str, description: str, *, path: str, status: int | None) -> None:
        super().__init__(f"Redmine refused the OAuth request: {error}", method="POST", path=path)
        self.status = status
        self.error = error
        self.description = description


class BearerSource(Protocol):
    """A person's access token for a client view, kept fresh by whoever stores it."""

    @property
    def key(self) -> str:
        """Who this is (a Redmine account), for cache keys: never the token itself."""
        ...

    async def token(self) -> str:
        """A token good for now, refreshed first when it is about to run out.

        Raises OAuthTokenRefused when there is none Redmine will accept."""
        ...

    async def refused(self, token: str) -> bool:
        """Redmine answered 401 to `token`. True when a newer token is there to try once
        (refreshed meanwhile elsewhere); False when the person must connect again."""
        ...


class OAuthApplication:
    """The application an admin registered in Redmine (Administration -> Applications),
    bound to the client that reaches that Redmine."""

    def __init__(
        self,
        client: RedmineClient,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: str,
    ) -> None:
        self._client = client
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scopes = scopes

    def authorize_url(self, *, state: str, challenge: str) -> str:
        """Where the person's browser goes to approve (Redmine's own page)."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return self._client.url(AUTHORIZE) + "?" + urlencode(query)

    async def exchange(self, *, code: str, verifier: str) -> TokenGrant:
        """The authorization code for tokens; sent once (a code is single use)."""
        return await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": verifier,
            },
        )

    async def refresh(self, refresh_token: str) -> TokenGrant:
        """A new access token (and refresh token) for the person; the old refresh token
        stops working once the new access token is used."""
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def revoke(self, token: str) -> None:
        """Tell Redmine to forget the token (RFC 7009)."""
        await self._post(REVOKE, {"token": token})

    async def _token(self, form: dict[str, str]) -> TokenGrant:
        response = await self._post(TOKEN, form)
        try:
            return TokenGrant.from_answer(response.json())
        except ValueError as error:
            # The reason is ours, in English, for the log; the callback page shows a
            # refusal's description (bot.blocks.oauth.failed_page), so this one has none
            # and the page names the code instead.
            log.warning("Redmine's token answer is not a Bearer grant: %s", error)
            raise OAuthRefused(
                "invalid_response", "", path=TOKEN, status=response.status_code
            ) from None

    async def _post(self, path: str, form: dict[str, str]) -> httpx.Response:
        credentials = {"client_id": self.client_id, "client_secret": self._client_secret}
        response = await self._client.post_form_without_key(path, {**form, **credentials})
        if response.status_code >= 400:
            error, description = _oauth_error(response)
            raise OAuthRefused(error, description, path=path, status=response.status_code)
        return response


def _oauth_error(response: httpx.Response) -> tuple[str, str]:
    """OAuth's `error` and `error_description` (RFC 6749, 5.2), or the bare status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"]), str(body.get("error_description") or "")
    return f"http_{response.status_code}", ""


__all__ = [
    "BearerSource",
    "OAuthApplication",
    "OAuthRefused",
    "OAuthTokenRefused",
    "TokenGrant",
    "code_challenge",
]
