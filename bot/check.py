"""`redmine-slack check`: verify the Redmine and Slack settings, in words a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.redmine import Redmine, RedmineClient
from bot.redmine.client import unavailable
from bot.redmine.errors import (
    AuthenticationError,
    CertificateNotTrusted,
    ForbiddenError,
    RedmineError,
    RedmineUnavailable,
    user_message,
)
from bot.redmine.features import users_status_style

# Bot scopes the features need (slack-manifest.yml declares them).
REQUIRED_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "files:read",
    "channels:join",
    "reactions:write",
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str

    def line(self) -> str:
        return ("  ok   " if self.ok else "  FAIL ") + self.text


async def check_redmine(
    settings: Settings, *, http: httpx.AsyncClient | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    client = RedmineClient(
        settings.redmine_base_url,
        settings.redmine_api_key.get_secret_value(),
        http=http,
        timeout=min(settings.redmine_timeout, 10.0),
        max_retries=0,
        ca_bundle=settings.redmine_ca_file,
    )
    async with client:
        redmine = Redmine(client)
        try:
            response = await client.http.get(client.url("/"), timeout=10.0)
            findings.append(
                Finding(
                    response.status_code < 500,
                    f"Redmine answers at {settings.redmine_base_url} ({response.status_code})",
                )
            )
        except httpx.TransportError as error:
            findings.append(Finding(False, _unreachable(settings, unavailable(error, "GET", "/"))))
            return findings
        except httpx.HTTPError as error:
            findings.append(
                Finding(
                    False,
                    f"Redmine cannot be reached at {settings.redmine_base_url}: "
                    f"{type(error).__name__}. Check REDMINE_URL.",
                )
            )
            return findings
        if settings.redmine_ca_bundle is not None:
            findings.append(
                Finding(
                    True,
                    "Redmine's HTTPS certificate verified against REDMINE_CA_BUNDLE "
                    f"({settings.redmine_ca_bundle})",
                )
            )
        try:
            user = await redmine.users.current()
        except AuthenticationError:
            findings.append(
                Finding(
                    False,
                    "Redmine rejected REDMINE_API_KEY, or its REST API is off: "
                    "enable Administration -> Settings -> API -> Enable REST web service, "
                    "and copy the key from My account -> API access key.",
                )
            )
            return findings
        except (ForbiddenError, RedmineError) as error:
            findings.append(
                Finding(False, f"Reading the key's account failed: {user_message(error)}")
            )
            return findings
        findings.append(Finding(True, f"REST API enabled; the key belongs to `{user.login}`"))
        if user.admin:
            findings.append(
                Finding(
                    True,
                    "the key is an administrator's: actions run as each Slack user "
                    "(X-Redmine-Switch-User)",
                )
            )
        else:
            findings.append(
                Finding(
                    True,
                    "the key is not an administrator's: connected-keys-only mode, "
                    "everyone must `/redmine connect` with their own key",
                )
            )
            if settings.secret_key is None:
                findings.append(
                    Finding(False, "connected-keys-only mode stores personal keys: set SECRET_KEY")
                )
        findings += await _differences(client, admin=user.admin)
        findings += oauth_setup(settings, client.features.oauth2)
    return findings


def _unreachable(settings: Settings, error: RedmineUnavailable) -> str:
    if isinstance(error, CertificateNotTrusted):
        return f"Redmine's HTTPS certificate at {settings.redmine_base_url} is not trusted: " + (
            "it is not signed by the authority in REDMINE_CA_BUNDLE; set it to the PEM "
            "file of the one that signed it."
            if settings.redmine_ca_bundle is not None
            else "set REDMINE_CA_BUNDLE to the PEM file of the certificate authority "
            "that signed it (your company's own, usually)."
        )
    return (
        f"Redmine cannot be reached at {settings.redmine_base_url}: "
        f"{user_message(error)} Check REDMINE_URL."
    )


def oauth_setup(settings: Settings, oauth2: bool | None) -> list[Finding]:
    """Whether "Connect with Redmine" is set up whole, and for a Redmine that has OAuth2.

    Nothing is said where none of its settings is set: the pasted key is the way then.
    """
    wanted = {
        "REDMINE_OAUTH_CLIENT_ID": settings.redmine_oauth_client_id,
        "REDMINE_OAUTH_CLIENT_SECRET": settings.redmine_oauth_client_secret,
        "PUBLIC_URL": settings.public_url,
    }
    if not any(wanted.values()):
        return []
    missing = [
        name for name, value in {**wanted, "SECRET_KEY": settings.secret_key}.items() if not value
    ]
    if missing:
        return [
            Finding(
                False,
                "Connect with Redmine is half set up, so it is off: set "
                + ", ".join(missing)
                + " (docs/redmine.md, Connect with Redmine)",
            )
        ]
    if oauth2 is False:
        return [
            Finding(
                False,
                "REDMINE_OAUTH_* is set, but this Redmine has no OAuth2 (6.1 and newer): "
                "no Connect with Redmine button is shown",
            )
        ]
    return [
        Finding(
            True,
            "Connect with Redmine: on; the application in Redmine (Administration -> "
            f"Applications) must have the redirect URI {settings.oauth_redirect_uri} and "
            f"the scopes {settings.redmine_oauth_scopes}",
        )
    ]


async def _differences(client: RedmineClient, *, admin: bool) -> list[Finding]:
    """What this Redmine does differently (bot.redmine.features), found by asking it."""
    findings: list[Finding] = []
    if admin:
        try:
            every = await client.features.users_every_status(client)
            findings.append(Finding(True, f"users' status filter: {users_status_style(every)}"))
        except RedmineError as error:
            findings.append(
                Finding(False, f"listing users of every status failed: {user_message(error)}")
            )
    try:
        oauth2 = await client.features.has_oauth2(client)
    except RedmineError as error:
        findings.append(Finding(False, f"asking for OAuth2 failed: {user_message(error)}"))
    else:
        findings.append(
            Finding(
                True,
                "OAuth2: available (Redmine's /oauth/authorize answers)"
                if oauth2
                else "OAuth2: not available (Redmine 6.1 and newer have it); "
                "people connect with their API key",
            )
        )
    return findings


async def check_slack(settings: Settings) -> list[Finding]:
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_base_url
    )
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        return [
            Finding(
                False,
                f"Slack rejected SLACK_BOT_TOKEN ({error.response.get('error')}): "
                "copy the Bot User OAuth Token from OAuth & Permissions.",
            )
        ]
    except Exception as error:  # network failures surface as aiohttp errors
        return [
            Finding(
                False,
                f"Slack's API cannot be reached at {settings.slack_api_base_url}: "
                f"{type(error).__name__}",
            )
        ]
    findings = [
        Finding(
            True,
            f"Slack bot token valid: bot `{answer.get('user')}` in workspace "
            f"`{answer.get('team')}`",
        )
    ]
    granted = {
        s.strip() for s in (answer.headers.get("x-oauth-scopes") or "").split(",") if s.strip()
    }
    if granted:
        missing = [s for s in REQUIRED_SCOPES if s not in granted]
        if missing:
            findings.append(
                Finding(
                    False,
                    "the bot lacks scopes "
                    + ", ".join(missing)
                    + ": reinstall the app from slack-manifest.yml",
                )
            )
        else:
            findings.append(Finding(True, "the bot has every scope it needs"))
    else:
        # Slack lists them in a header; a proxy or a look-alike API may drop it.
        findings.append(
            Finding(True, "Slack did not list the token's scopes, so they were not checked")
        )
    if settings.socket_mode:
        findings.append(Finding(True, "Socket Mode (SLACK_APP_TOKEN set): no public URL needed"))
    elif settings.slack_signing_secret is None:
        findings.append(Finding(False, "SLACK_SIGNING_SECRET is needed in HTTP mode"))
    return findings
