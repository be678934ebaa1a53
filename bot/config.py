"""Settings: the one place environment variables (and `.env`) are read.

A missing or malformed required setting stops start-up with one message that lists
each problem and where to get the value (`SettingsError`), never a traceback.

The operator's language (`operator_locale`): what this module, `redmine-slack check` and
the command line say is in the language of the person at the terminal. It is the first
of these that is set:

1. `DEFAULT_LOCALE`: the setting when it was read, else the environment variable, else
   the line in `.env` (read on its own, since the settings may be the very thing that
   failed to load);
2. the locale the terminal asks for, as gettext reads it: `LC_ALL`, then `LC_MESSAGES`,
   then `LANG` (`ja_JP.UTF-8`, `de_DE@euro`); GNU's `LANGUAGE` list (`de:fr`) goes
   before them when that locale is set and not `C`/`POSIX`, as in git or coreutils;
3. English.

A value the app has no catalog for (`sw`, `C`, garbage) reads English, never an error.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from dotenv import dotenv_values
from pydantic import AnyHttpUrl, Field, FilePath, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import N_, Translator, _, catalog_for, current, translator_for, using

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


# Where a person finds each value; said in the start-up error message, in the operator's
# language. Nothing is generated from these (.env.example and docs/operations.md are
# written by hand), so they are words for a person like any other and go through the
# catalog. The Slack app settings' names stay as Slack writes them (its app pages are
# English only); Redmine's menus are named as Redmine names them in each language.
WHERE_TO_GET: dict[str, str] = {
    "SLACK_BOT_TOKEN": N_(
        "Slack app settings -> OAuth & Permissions -> Bot User OAuth Token (xoxb-...)"
    ),
    "SLACK_SIGNING_SECRET": N_("Slack app settings -> Basic Information -> Signing Secret"),
    "SLACK_APP_TOKEN": N_(
        "Slack app settings -> Basic Information -> App-Level Tokens "
        "(scope connections:write, xapp-...); only for Socket Mode"
    ),
    "SLACK_API_URL": N_("leave unset for Slack itself; a proxy or test server base URL otherwise"),
    "REDMINE_URL": N_("the address people open Redmine at, e.g. https://redmine.example.com"),
    "REDMINE_API_KEY": N_(
        "Redmine -> My account -> API access key (an administrator's, so actions can run "
        "as each user); needs Administration -> Settings -> API -> Enable REST web service"
    ),
    "DATABASE_URL": N_(
        "leave unset for a SQLite file; postgresql+asyncpg://user:pass@host/db for Postgres"
    ),
    "POLL_INTERVAL": N_("seconds between notification polls, e.g. 60"),
    "PORT": N_("TCP port to listen on, e.g. 3000"),
    "REDMINE_WEBHOOK_SECRET": N_(
        "any long random string; give Redmine's webhook plugin the URL "
        ".../webhooks/redmine?token=<it>"
    ),
    "DEFAULT_LOCALE": N_(
        "the language for people whose Slack locale has no catalog, and for channels "
        "subscribed without lang:, e.g. ja or de (English when unset)"
    ),
    "REDMINE_CA_BUNDLE": N_(
        "the PEM file of the certificate authority that signed Redmine's HTTPS certificate "
        "(your company's CA); leave unset for publicly trusted certificates"
    ),
    "REDMINE_OAUTH_CLIENT_ID": N_(
        "Redmine 6.1+ -> Administration -> Applications -> your application's UID "
        "(see docs/redmine.md, Connect with Redmine)"
    ),
    "REDMINE_OAUTH_CLIENT_SECRET": N_("the same application's Secret (Redmine shows it once)"),
    "REDMINE_OAUTH_SCOPES": N_(
        "the scopes ticked on the application in Redmine, separated by spaces "
        "(Redmine's permission names)"
    ),
    "PUBLIC_URL": N_(
        "the address Slack and browsers reach this service at, e.g. "
        "https://redmine-slack.example.com (Redmine sends people back to "
        "<it>/redmine/oauth/callback)"
    ),
    "SECRET_KEY": N_(
        "a long random string, e.g. from: python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'"
    ),
}

CANNOT_START = N_("redmine-slack cannot start; fix these settings (environment or .env):")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingProblem(ValueError):
    """A validator's complaint about one value: a catalog sentence and its blanks, said in
    the operator's language when the start-up message is written."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def said(self) -> str:
        return _(self.message, **self.params)


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
            raise SettingProblem(N_("must be a bot token starting with xoxb-"))
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise SettingProblem(N_("must be an app-level token starting with xapp-"))
        return value

    @field_validator("redmine_ca_bundle")
    @classmethod
    def _ca_bundle_loads(cls, value: Path | None) -> Path | None:
        if value is not None:
            try:
                ssl.create_default_context(cafile=str(value))
            except (ssl.SSLError, ValueError) as error:
                raise SettingProblem(
                    N_("is not a PEM file of CA certificates ({reason})"), reason=str(error)
                ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level_name(cls, value: str) -> str:
        upper = value.upper()
        if upper not in LOG_LEVELS:
            raise SettingProblem(N_("must be one of {names}"), names=", ".join(LOG_LEVELS))
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


def _bound(value: object) -> str:
    return current().format_decimal(value) if isinstance(value, float) else str(value)


def _choices(name: str) -> str:
    """The values an enum setting takes, as they are typed: `textile, common_mark`."""
    field = Settings.model_fields.get(name.lower())
    kind = field.annotation if field is not None else None
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return ", ".join(member.value for member in kind)
    return "?"


def _problem(item: Mapping[str, Any], name: str) -> str:
    """What is wrong with one value, in the operator's language. The usual complaints of
    pydantic are said in our own words; a rare one keeps pydantic's (English) message."""
    kind, ctx = item["type"], item.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, SettingProblem):
        return cause.said()
    if kind == "missing":
        return _("is missing")
    if kind == "greater_than":
        return _("must be greater than {bound}", bound=_bound(ctx.get("gt")))
    if kind == "greater_than_equal":
        return _("must be at least {bound}", bound=_bound(ctx.get("ge")))
    if kind == "less_than":
        return _("must be less than {bound}", bound=_bound(ctx.get("lt")))
    if kind == "less_than_equal":
        return _("must be at most {bound}", bound=_bound(ctx.get("le")))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("must be a whole number")
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return _("must be a number")
    if kind in {"bool_parsing", "bool_type"}:
        return _("must be true or false")
    if kind.startswith("url_"):
        return _("must be an address starting with http:// or https://")
    if kind in {"path_not_file", "path_not_directory", "path_type"}:
        return _("is not a file that can be read")
    if kind == "enum":
        return _("must be one of {names}", names=_choices(name))
    return str(item["msg"])


def _line(name: str, problem: str) -> str:
    hint = WHERE_TO_GET.get(name)
    if hint:
        return _(
            "  - {name} {problem} (where to get it: {hint})",
            name=name,
            problem=problem,
            hint=_(hint),
        )
    return _("  - {name} {problem}", name=name, problem=problem)


def describe_errors(error: ValidationError) -> str:
    """Turn pydantic's validation error into one message a person can act on, in the
    current language."""
    lines = [_(CANNOT_START)]
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "?"
        lines.append(_line(name, _problem(item, name)))
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise `SettingsError` whose text lists every problem, in the
    operator's language (`operator_locale`)."""
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        language = operator_translator(
            wanted=overrides.get("default_locale"), env_file=overrides.get("_env_file", ".env")
        )
        with using(language):
            raise SettingsError(describe_errors(error)) from None
    if not settings.socket_mode and settings.slack_signing_secret is None:
        with using(operator_translator(settings)):
            problem = _("is missing (needed unless SLACK_APP_TOKEN turns on Socket Mode)")
            raise SettingsError(
                "\n".join([_(CANNOT_START), _line("SLACK_SIGNING_SECRET", problem)])
            )
    return settings


# -- the operator's language ----------------------------------------------------------------

# The POSIX locale variables in the order gettext reads them: the first set one wins.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
_NO_LANGUAGE = {"C", "POSIX"}


def _posix_tag(value: str) -> str:
    """`ja_JP.UTF-8@euro` -> `ja_JP` (the codeset and modifier say nothing of language)."""
    return value.split(".", 1)[0].split("@", 1)[0].strip()


def _named(values: Mapping[str, str | None], name: str) -> str | None:
    # Settings are read case-insensitively (`default_locale=ja` counts too).
    for key, value in values.items():
        if key.upper() == name and value and value.strip():
            return value.strip()
    return None


def _from_env_file(env_file: object) -> str | None:
    if not isinstance(env_file, str | Path) or not Path(env_file).is_file():
        return None
    try:
        return _named(dotenv_values(env_file, encoding="utf-8"), "DEFAULT_LOCALE")
    except (OSError, UnicodeError, ValueError):
        return None


def operator_locale(
    settings: Settings | None = None,
    *,
    wanted: str | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: object = ".env",
) -> str | None:
    """The locale tag the operator asked for (see the module docstring), or None.

    `settings`, when they were read, say DEFAULT_LOCALE if it was set (from the
    environment or `.env`); without them (they failed to load) `wanted`, the environment
    and `env_file` are asked directly. Never fails: a bad value is simply not a catalog.
    """
    env = os.environ if environ is None else environ
    if settings is not None:
        explicit = (
            settings.default_locale if "default_locale" in settings.model_fields_set else None
        )
    else:
        explicit = wanted or _named(env, "DEFAULT_LOCALE") or _from_env_file(env_file)
    if explicit and explicit.strip():
        return explicit.strip()
    terminal = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), None)
    if terminal is None or _posix_tag(terminal) in _NO_LANGUAGE:
        return None  # GNU gettext ignores LANGUAGE under the C locale too
    for entry in env.get("LANGUAGE", "").split(":"):
        if catalog_for(_posix_tag(entry)):
            return _posix_tag(entry)
    return _posix_tag(terminal)


def operator_translator(
    settings: Settings | None = None,
    *,
    wanted: str | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: object = ".env",
) -> Translator:
    """The operator's translator: `operator_locale`'s catalog, else English."""
    tag = operator_locale(settings, wanted=wanted, environ=environ, env_file=env_file)
    return translator_for(tag, None)
