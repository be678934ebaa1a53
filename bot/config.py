"""Settings: the one place environment variables (and `.env`) are read.

A missing or malformed required setting stops start-up with one message that lists
each problem and where to get the value (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import ssl
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AnyHttpUrl, Field, FilePath, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./redmine-slack.sqlite3"
# Redmine's permission names this app uses (scopes are permissions in Redmine 6.1); the
# application registered in Redmine must carry each, or Redmine refuses the request.
DEFAULT_OAUTH_SCOPES = (
    "view_project search_project view_members view_issues add_issues edit_issues "
    "edit_own_issues add_issue_notes edit_own_issue_notes view_private_notes "
    "set_notes_private view_issue_watchers add_issue_watchers delete_issue_watchers "
    "view_time_entries log_time view_news view_files view_wiki_pages"
)


class TextFormatting(StrEnum):
    textile = "textile"
    common_mark = "common_mark"


# Where a person finds each value; used in the start-up error message.
WHERE_TO_GET: dict[str, str] = {
    "SLACK_BOT_TOKEN": "Slack app settings -> OAuth & Permissions -> Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "Slack app settings -> Basic Information -> Signing Secret",
    "SLACK_APP_TOKEN": "Slack app settings -> Basic Information -> App-Level Tokens "
    "(scope connections:write, xapp-...); only for Socket Mode",
    "SLACK_API_URL": "leave unset for Slack itself; a proxy or test server base URL otherwise",
    "REDMINE_URL": "the address people open Redmine at, e.g. https://redmine.example.com",
    "REDMINE_API_KEY": "Redmine -> My account -> API access key (an administrator's, "
    "so actions can run as each user); needs Administration -> Settings -> API -> "
    "Enable REST web service",
    "DATABASE_URL": "leave unset for a SQLite file; postgresql+asyncpg://user:pass@host/db "
    "for Postgres",
    "POLL_INTERVAL": "seconds between notification polls, e.g. 60",
    "PORT": "TCP port to listen on, e.g. 3000",
    "REDMINE_WEBHOOK_SECRET": "any long random string; give Redmine's webhook plugin "
    "the URL .../webhooks/redmine?token=<it>",
    "DEFAULT_LOCALE": "the language for people whose Slack locale has no catalog, and for "
    "channels subscribed without lang:, e.g. ja or de (English when unset)",
    "REDMINE_CA_BUNDLE": "the PEM file of the certificate authority that signed Redmine's "
    "HTTPS certificate (your company's CA); leave unset for publicly trusted certificates",
    "REDMINE_OAUTH_CLIENT_ID": "Redmine 6.1+ -> Administration -> Applications -> your "
    "application's UID (see docs/redmine.md, Connect with Redmine)",
    "REDMINE_OAUTH_CLIENT_SECRET": "the same application's Secret (Redmine shows it once)",
    "REDMINE_OAUTH_SCOPES": "the scopes ticked on the application in Redmine, separated by "
    "spaces (Redmine's permission names)",
    "PUBLIC_URL": "the address Slack and browsers reach this service at, e.g. "
    "https://redmine-slack.example.com (Redmine sends people back to <it>/redmine/oauth/callback)",
    "SECRET_KEY": "a long random string, e.g. from: python -c 'import secrets; "
    "print(secrets.token_urlsafe(32))'",
}


class SettingsError(Exception):
    """Raised with one readable message listing every problem with the settings."""


class Settings(BaseSettings):
    """Every setting the service reads. Names are part of the public contract."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl = AnyHttpUrl("https://slack.com/api/")

    redmine_url: AnyHttpUrl
    redmine_api_key: SecretStr
    redmine_text_formatting: TextFormatting = TextFormatting.textile
    redmine_timeout: Annotated[float, Field(gt=0)] = 15.0
    # A PEM file of the certificate authorities Redmine's HTTPS certificate is checked
    # against (a company's own CA); it replaces the default ones for Redmine only.
    redmine_ca_bundle: FilePath | None = None

    database_url: str = DEFAULT_DATABASE_URL
    poll_interval: Annotated[float, Field(gt=0)] = 60.0
    # Personal DMs about one's own issues (bot/notify/personal.py); each person can
    # switch each kind off in App Home.
    personal_notifications: bool = True
    # The language for a person whose Slack locale the app has no catalog for, and for a
    # channel subscribed without `lang:` (bot/i18n/negotiate.py); a tag without a catalog
    # means English, never an error.
    default_locale: str = "en"
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    log_level: str = "INFO"

    redmine_webhook_secret: SecretStr | None = None
    secret_key: SecretStr | None = None

    # "Connect with Redmine" over Redmine 6.1's OAuth2 (docs/redmine.md): the application
    # an admin registered in Redmine, and where Redmine sends people back to.
    redmine_oauth_client_id: str | None = None
    redmine_oauth_client_secret: SecretStr | None = None
    redmine_oauth_scopes: str = DEFAULT_OAUTH_SCOPES
    public_url: AnyHttpUrl | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("redmine_ca_bundle")
    @classmethod
    def _ca_bundle_loads(cls, value: Path | None) -> Path | None:
        if value is not None:
            try:
                ssl.create_default_context(cafile=str(value))
            except (ssl.SSLError, ValueError) as error:
                raise ValueError(f"is not a PEM file of CA certificates ({error})") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level_name(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth_configured(self) -> bool:
        """Whether "Connect with Redmine" can be offered: the application, where people
        come back to, and SECRET_KEY (it signs the state and encrypts the tokens)."""
        return bool(
            self.redmine_oauth_client_id
            and self.redmine_oauth_client_secret
            and self.public_url
            and self.secret_key
        )

    @property
    def oauth_redirect_uri(self) -> str:
        """The callback Redmine sends people back to; registered as is in Redmine."""
        return str(self.public_url or "").rstrip("/") + "/redmine/oauth/callback"

    @property
    def redmine_base_url(self) -> str:
        return str(self.redmine_url).rstrip("/")

    @property
    def redmine_ca_file(self) -> str | None:
        return None if self.redmine_ca_bundle is None else str(self.redmine_ca_bundle)

    @property
    def slack_api_base_url(self) -> str:
        url = str(self.slack_api_url)
        return url if url.endswith("/") else url + "/"


def describe_errors(error: ValidationError) -> str:
    """Turn pydantic's validation error into one message a person can act on."""
    lines = ["redmine-slack cannot start; fix these settings (environment or .env):"]
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "?"
        problem = "is missing" if item["type"] == "missing" else item["msg"]
        hint = WHERE_TO_GET.get(name)
        lines.append(f"  - {name} {problem}" + (f" (where to get it: {hint})" if hint else ""))
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise `SettingsError` whose text lists every problem."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_errors(error)) from None
    if not settings.socket_mode and settings.slack_signing_secret is None:
        raise SettingsError(
            "redmine-slack cannot start; fix these settings (environment or .env):\n"
            "  - SLACK_SIGNING_SECRET is missing (needed unless SLACK_APP_TOKEN turns on "
            f"Socket Mode; where to get it: {WHERE_TO_GET['SLACK_SIGNING_SECRET']})"
        )
    return settings
