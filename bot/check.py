"""`redmine-slack check`: verify the Redmine and Slack settings, in words a person can act on.

Every finding is said in the current language: the command line speaks the operator's
(bot.config.operator_locale) before it calls these. The `ok`/`FAIL` column in front of
each line stays as it is in every language: it is a status mark, read by eye and by
scripts (`redmine-slack check | grep FAIL`) alike, like a test runner's. Names of settings,
Slack's app pages (English only) and Slack's error codes are written as they are; Redmine's
menus are named the way each language's Redmine names them.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.i18n import _, ngettext
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
from bot.redmine.features import EVERY_STATUS_STAR

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
                    _(
                        "Redmine answers at {url} ({status})",
                        url=settings.redmine_base_url,
                        status=response.status_code,
                    ),
                )
            )
        except httpx.TransportError as error:
            findings.append(Finding(False, _unreachable(settings, unavailable(error, "GET", "/"))))
            return findings
        except httpx.HTTPError as error:
            findings.append(
                Finding(
                    False,
                    _(
                        "Redmine cannot be reached at {url} ({reason}). Check REDMINE_URL.",
                        url=settings.redmine_base_url,
                        reason=type(error).__name__,
                    ),
                )
            )
            return findings
        if settings.redmine_ca_bundle is not None:
            findings.append(
                Finding(
                    True,
                    _(
                        "Redmine's HTTPS certificate verified against REDMINE_CA_BUNDLE ({path})",
                        path=settings.redmine_ca_bundle,
                    ),
                )
            )
        try:
            user = await redmine.users.current()
        except AuthenticationError:
            findings.append(
                Finding(
                    False,
                    _(
                        "Redmine rejected REDMINE_API_KEY, or its REST API is off: "
                        "enable Administration -> Settings -> API -> Enable REST web service, "
                        "and copy the key from My account -> API access key."
                    ),
                )
            )
            return findings
        except (ForbiddenError, RedmineError) as error:
            findings.append(
                Finding(
                    False,
                    _("Reading the key's account failed: {reason}", reason=user_message(error)),
                )
            )
            return findings
        findings.append(
            Finding(True, _("REST API enabled; the key belongs to `{login}`", login=user.login))
        )
        if user.admin:
            findings.append(
                Finding(
                    True,
                    _(
                        "the key is an administrator's: actions run as each Slack user "
                        "(X-Redmine-Switch-User)"
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    True,
                    _(
                        "the key is not an administrator's: connected-keys-only mode, "
                        "everyone must `/redmine connect` with their own key"
                    ),
                )
            )
            if settings.secret_key is None:
                findings.append(
                    Finding(
                        False, _("connected-keys-only mode stores personal keys: set SECRET_KEY")
                    )
                )
        findings += await _differences(client, admin=user.admin)
        findings += oauth_setup(settings, client.features.oauth2)
    return findings


def _unreachable(settings: Settings, error: RedmineUnavailable) -> str:
    url = settings.redmine_base_url
    if isinstance(error, CertificateNotTrusted):
        if settings.redmine_ca_bundle is not None:
            return _(
                "Redmine's HTTPS certificate at {url} is not trusted: it is not signed by the "
                "authority in REDMINE_CA_BUNDLE; set it to the PEM file of the one that signed it.",
                url=url,
            )
        return _(
            "Redmine's HTTPS certificate at {url} is not trusted: set REDMINE_CA_BUNDLE to the "
            "PEM file of the certificate authority that signed it (your company's own, usually).",
            url=url,
        )
    return _(
        "Redmine cannot be reached at {url}: {reason} Check REDMINE_URL.",
        url=url,
        reason=user_message(error),
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
                _(
                    "Connect with Redmine is half set up, so it is off: set {names} "
                    "(docs/redmine.md, Connect with Redmine)",
                    names=", ".join(missing),
                ),
            )
        ]
    if oauth2 is False:
        return [
            Finding(
                False,
                _(
                    "REDMINE_OAUTH_* is set, but this Redmine has no OAuth2 (6.1 and newer): "
                    "no Connect with Redmine button is shown"
                ),
            )
        ]
    return [
        Finding(
            True,
            _(
                "Connect with Redmine: on; the application in Redmine (Administration -> "
                "Applications) must have the redirect URI {uri} and the scopes {scopes}",
                uri=settings.oauth_redirect_uri,
                scopes=settings.redmine_oauth_scopes,
            ),
        )
    ]


async def _differences(client: RedmineClient, *, admin: bool) -> list[Finding]:
    """What this Redmine does differently (bot.redmine.features), found by asking it."""
    findings: list[Finding] = []
    if admin:
        try:
            every = await client.features.users_every_status(client)
            findings.append(
                Finding(
                    True,
                    _("users' status filter: 6.x style (status=*)")
                    if every == EVERY_STATUS_STAR
                    else _("users' status filter: 5.0 style (status=)"),
                )
            )
        except RedmineError as error:
            findings.append(
                Finding(
                    False,
                    _(
                        "listing users of every status failed: {reason}",
                        reason=user_message(error),
                    ),
                )
            )
    try:
        oauth2 = await client.features.has_oauth2(client)
    except RedmineError as error:
        findings.append(
            Finding(False, _("asking for OAuth2 failed: {reason}", reason=user_message(error)))
        )
    else:
        findings.append(
            Finding(
                True,
                _("OAuth2: available (Redmine's /oauth/authorize answers)")
                if oauth2
                else _(
                    "OAuth2: not available (Redmine 6.1 and newer have it); "
                    "people connect with their API key"
                ),
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
                _(
                    "Slack rejected SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token "
                    "from OAuth & Permissions.",
                    error=error.response.get("error"),
                ),
            )
        ]
    except Exception as error:  # network failures surface as aiohttp errors
        return [
            Finding(
                False,
                _(
                    "Slack's API cannot be reached at {url} ({reason})",
                    url=settings.slack_api_base_url,
                    reason=type(error).__name__,
                ),
            )
        ]
    findings = [
        Finding(
            True,
            _(
                "Slack bot token valid: bot `{bot}` in workspace `{team}`",
                bot=answer.get("user"),
                team=answer.get("team"),
            ),
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
                    ngettext(
                        "the bot lacks the scope {scopes}: reinstall the app from "
                        "slack-manifest.yml",
                        "the bot lacks the scopes {scopes}: reinstall the app from "
                        "slack-manifest.yml",
                        len(missing),
                        scopes=", ".join(missing),
                    ),
                )
            )
        else:
            findings.append(Finding(True, _("the bot has every scope it needs")))
    else:
        # Slack lists them in a header; a proxy or a look-alike API may drop it.
        findings.append(
            Finding(True, _("Slack did not list the token's scopes, so they were not checked"))
        )
    if settings.socket_mode:
        findings.append(Finding(True, _("Socket Mode (SLACK_APP_TOKEN set): no public URL needed")))
    elif settings.slack_signing_secret is None:
        findings.append(Finding(False, _("SLACK_SIGNING_SECRET is needed in HTTP mode")))
    return findings
