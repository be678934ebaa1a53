"""Errors raised by the Redmine adapter, one class per HTTP status that matters.

    RedmineError                      every adapter failure; carries method and path
    ├── RedmineUnavailable            no answer from Redmine
    │   ├── ConnectionRefused         nothing listens at REDMINE_URL: Redmine is down
    │   ├── NameNotResolved           DNS has no address for REDMINE_URL's host
    │   ├── TLSFailure                the TLS handshake or certificate check failed
    │   │   └── CertificateNotTrusted Redmine's certificate is signed by an authority not trusted here
    │   ├── RedmineTimeout            connected, but no answer in time
    │   └── ConnectionLost            the connection broke before the answer was complete
    └── RedmineHTTPError              Redmine answered with an error status
        ├── AuthenticationError       401 bad or missing API key, or REST API disabled
        │   └── OAuthTokenRefused     401 to a person's OAuth token: they must connect again
        ├── ForbiddenError            403 the acting user may not do this
        ├── NotFoundError             404 no such resource (or not visible)
        ├── ConflictError             409 e.g. a wiki page edited since it was read
        ├── ImpersonationError        412 X-Redmine-Switch-User names no active user
        ├── ValidationError           422 Redmine's own messages in `.messages`
        └── ServerError               5xx: 500 is Redmine's own failure
            └── GatewayError          502, 503, 504: a proxy in front could not get an answer

The path never includes a query string and no error ever carries the API key.
"""

from __future__ import annotations

import re

from bot.i18n import N_, _


class RedmineError(Exception):
    """Base of every adapter error."""

    def __init__(self, message: str, *, method: str, path: str, status: int | None = None):
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status

    def __str__(self) -> str:
        where = f"{self.method} {self.path}"
        status = f" -> {self.status}" if self.status is not None else ""
        return f"{self.args[0]} ({where}{status})"


class RedmineUnavailable(RedmineError):
    """Redmine could not be reached or did not answer in time.

    `maybe_done` is set when a write was sent and no answer came back: Redmine may have
    carried it out, so the person must look before trying again (or get a duplicate).
    """

    def __init__(self, message: str, *, method: str, path: str, maybe_done: bool = False):
        super().__init__(message, method=method, path=path)
        self.maybe_done = maybe_done


class ConnectionRefused(RedmineUnavailable):
    """Nothing accepted the connection: Redmine (or its proxy) is not running."""


class NameNotResolved(RedmineUnavailable):
    """The host name in REDMINE_URL has no address (a typo, or DNS is failing)."""


class TLSFailure(RedmineUnavailable):
    """The TLS handshake failed: a certificate that is not trusted, or not TLS at all."""


class CertificateNotTrusted(TLSFailure):
    """Redmine's certificate does not verify: often a company's own CA, not in REDMINE_CA_BUNDLE."""


class RedmineTimeout(RedmineUnavailable):
    """Redmine was reached but did not answer in time."""


class ConnectionLost(RedmineUnavailable):
    """The connection broke while the request or answer was under way."""


class RedmineHTTPError(RedmineError):
    """Redmine answered with an error status."""


class AuthenticationError(RedmineHTTPError):
    """401: the API key is wrong, or the REST API is disabled."""


class OAuthTokenRefused(AuthenticationError):
    """Redmine refused a person's OAuth2 token (revoked, or run out and not refreshable):
    they must connect again. Raised before anything is sent once it is known."""


class ForbiddenError(RedmineHTTPError):
    """403: the acting user is not allowed to do this."""


class NotFoundError(RedmineHTTPError):
    """404: the resource does not exist or cannot be seen."""


class ConflictError(RedmineHTTPError):
    """409: the resource changed since it was read (wiki versions)."""


class ImpersonationError(RedmineHTTPError):
    """412: the login in X-Redmine-Switch-User is unknown or locked."""

    def __init__(self, message: str, *, method: str, path: str, login: str | None):
        super().__init__(message, method=method, path=path, status=412)
        self.login = login


class ValidationError(RedmineHTTPError):
    """422: Redmine refused the data; `messages` holds its own words."""

    def __init__(self, messages: list[str], *, method: str, path: str):
        super().__init__(
            "; ".join(messages) or "invalid data", method=method, path=path, status=422
        )
        self.messages = messages


class ServerError(RedmineHTTPError):
    """5xx: Redmine failed."""


class GatewayError(ServerError):
    """502, 503 or 504: a proxy answered because Redmine behind it did not (in time)."""


# Redmine's answer when the acting user may not add issues to the project: "Project
# cannot be blank" and "Tracker cannot be blank", which mean nothing to a person
# (REDMINE-FACTS.md), so it is recognised and reworded. Redmine words it in the acting
# account's own language (the switched-to user's, whatever the request asks), as Rails'
# "%{attribute} %{message}" of its locale's `field_project`, `field_tracker` and
# `activerecord.errors.messages.blank`: these are those words, as Redmine 5.0-6.1's
# config/locales write them, for the languages we speak. An account in another language
# still gets Redmine's own words, quoted ("Redmine refused it: ...").
REDMINE_BLANK_FIELDS: dict[str, tuple[str, str, str]] = {
    "en": ("Project", "Tracker", "cannot be blank"),
    "ja": ("プロジェクト", "トラッカー", "を入力してください"),
    "de": ("Projekt", "Tracker", "muss ausgefüllt werden"),
    "fr": ("Projet", "Tracker", "doit être renseigné(e)"),
    "es": ("Proyecto", "Tipo", "no puede estar en blanco"),
    "pt-BR": ("Projeto", "Tipo", "não pode ficar vazio"),
    "ru": ("Проект", "Трекер", "не может быть пустым"),
    "zh": ("项目", "跟踪", "不能为空字符"),
}
_CANNOT_ADD_ISSUES = [
    {f"{project} {blank}", f"{tracker} {blank}"}
    for project, tracker, blank in REDMINE_BLANK_FIELDS.values()
]


def is_cannot_add_issues(error: ValidationError) -> bool:
    said = set(error.messages)
    return any(wording <= said for wording in _CANNOT_ADD_ISSUES)


# Shared with bot/people (the identity's refusal when a connection was refused earlier).
RECONNECT = N_(
    "Redmine no longer accepts your connection (it was revoked in Redmine, or ran out). "
    "Nothing was done. Connect again with `/redmine connect` -> Connect with Redmine."
)


def user_message(error: RedmineError) -> str:
    """Say what went wrong in one plain sentence, with what to do next."""
    if isinstance(error, ImpersonationError):
        if error.login:
            return _(
                "Your Redmine account `{login}` is locked or no longer exists, so Redmine "
                "refused to act as you. Ask a Redmine administrator to unlock it, or connect "
                "another account with `/redmine connect`.",
                login=error.login,
            )
        return _(
            "Your Redmine account is locked or no longer exists, so Redmine refused to act "
            "as you. Ask a Redmine administrator to unlock it, or connect another account "
            "with `/redmine connect`."
        )
    if isinstance(error, OAuthTokenRefused):
        return _(RECONNECT)
    if isinstance(error, AuthenticationError):
        return _(
            "Redmine did not accept the bot's API key (or its REST API is turned off). "
            "Ask whoever runs redmine-slack to run `redmine-slack check`."
        )
    if isinstance(error, ForbiddenError):
        return _("Redmine says you are not allowed to do that. Ask a project manager for access.")
    if isinstance(error, NotFoundError):
        return _not_found(error.path)
    if isinstance(error, ConflictError):
        return _("Someone changed that in Redmine meanwhile. Reload it and try again.")
    if isinstance(error, ValidationError):
        if error.messages:
            # Redmine's own words, in the language of the account acting (its setting).
            return _("Redmine refused it: {reasons}.", reasons="; ".join(error.messages))
        return _("Redmine refused the data it was sent. Check the values and try again.")
    if isinstance(error, GatewayError):
        return _(_GATEWAY.get(error.status or 0, _GATEWAY[502]))
    if isinstance(error, ServerError):
        return _(
            "Redmine had an internal error. Try again in a minute; if it persists, tell its admin."
        )
    if isinstance(error, RedmineUnavailable):
        return _unavailable(error)
    return _(
        "Redmine answered with an unexpected error. Try again, or tell whoever runs redmine-slack."
    )


_GATEWAY = {
    502: N_(
        "The proxy in front of Redmine got no answer from it (502 Bad Gateway): Redmine "
        "is probably down or restarting. Try again in a few minutes."
    ),
    503: N_(
        "Redmine is unavailable right now (503), perhaps for maintenance or overload. "
        "Try again in a few minutes."
    ),
    504: N_(
        "The proxy in front of Redmine gave up waiting for it (504 Gateway Timeout): "
        "Redmine is very slow or stuck. Try again in a few minutes."
    ),
}
CERTIFICATE_NOT_TRUSTED = N_(
    "Redmine's HTTPS certificate is not trusted here: whoever runs redmine-slack should set "
    "REDMINE_CA_BUNDLE to the PEM file of the certificate authority that signed it."
)


def _unavailable(error: RedmineUnavailable) -> str:
    if isinstance(error, ConnectionRefused):
        return _(
            "Redmine refused the connection: it is not running or is restarting. "
            "Try again in a few minutes; if it lasts, tell its admin."
        )
    if isinstance(error, NameNotResolved):
        return _(
            "Redmine's host name could not be found (DNS). Tell whoever runs redmine-slack "
            "to check REDMINE_URL."
        )
    if isinstance(error, CertificateNotTrusted):
        return _(CERTIFICATE_NOT_TRUSTED)
    if isinstance(error, TLSFailure):
        return _(
            "The secure connection to Redmine failed (its TLS certificate was refused). "
            "Tell whoever runs redmine-slack to check REDMINE_URL and the certificate."
        )
    if isinstance(error, ConnectionLost):
        if error.maybe_done:
            return _(
                "The connection to Redmine broke before it answered. It may or may not have "
                "done it: look in Redmine before trying again."
            )
        return _("The connection to Redmine broke before it answered. Try again.")
    if error.maybe_done:
        return _(
            "Redmine did not answer in time. It may or may not have done it: look in Redmine "
            "before trying again."
        )
    if isinstance(error, RedmineTimeout):
        return _("Redmine did not answer in time. Try again in a minute.")
    return _("Redmine could not be reached. Try again in a minute.")


# Redmine answers 404 alike for what does not exist and what the user may not see.
_MISSING_THING = re.compile(r"^/(issues|projects)/([^/]+?)(?:\.json)?$")


def _not_found(path: str) -> str:
    match = _MISSING_THING.match(path)
    if match and match.group(1) == "issues":
        return _(
            "Issue #{id} does not exist, or you cannot see it. Check the number.",
            id=match.group(2),
        )
    if match:
        return _(
            "Project `{project}` does not exist, or you cannot see it. Check the name.",
            project=match.group(2),
        )
    return _("Redmine could not find that, or you cannot see it. Check the number or name.")
