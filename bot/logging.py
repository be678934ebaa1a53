"""Logging set-up, with a filter that keeps secrets out of every log line.

Every record reaches the one root handler (uvicorn is started without a logging config
of its own, so its access and error loggers propagate here too), and the handler's
filter scrubs the message and any traceback before it is written, at every level.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

REDACTED = "***"

# Shapes of secrets, scrubbed even where a library logs a request we did not format
# ourselves (httpx's request lines, slack_sdk's debug dumps, bolt's rejected bodies).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, configuration.
    (re.compile(r"\b(xox[abposre]-|xapp-)[A-Za-z0-9-]+"), rf"\1{REDACTED}"),
    # `key=...`, `token=...` in query strings and forms (the webhook's ?token=), and
    # OAuth's (RFC 6749 4.1, 6; RFC 7636 4.5): `access_token`, `refresh_token`,
    # `client_secret`, `code_verifier`, and the authorization `code` in a callback's query.
    (
        re.compile(
            r"(?i)(\b(?:(?:access_|refresh_)?token|client_secret|code_verifier|(?:api_?)?key"
            r"|secret|password)|[?&]code|[?&]state)(=|%3D)[^&\s\"'<>]+"
        ),
        rf"\1\2{REDACTED}",
    ),
    # The API key header, however a library prints its headers (dict repr, raw lines).
    (
        re.compile(r"(?i)(x-redmine-api-key['\"]?\s*[:=,]\s*b?['\"]?)[^'\"\s,)}\]]+"),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[^\s'\"]+"), rf"\1{REDACTED}"),
    # Bolt's line for a request whose signature fails quotes the whole body: anything an
    # unauthenticated sender likes, of any size, perhaps a person's key. Keep the head.
    (re.compile(r"(Invalid request signature detected \(.*?body: ).*", re.S), r"\1(not logged))"),
    # A Redmine API key is 40 hex digits (SecureRandom.hex(20)); a person's own key may
    # sit in a form body a library logs, where no other rule would recognise it, also
    # URL-encoded (`%22` before it).
    (
        re.compile(r"(?:(?<![0-9A-Fa-f])|(?<=%[0-9A-Fa-f]{2}))[0-9a-f]{40}(?![0-9A-Fa-f])"),
        REDACTED,
    ),
)

# uvicorn's access line: `client - "METHOD path HTTP/x" status`; the path is args[2].
_ACCESS_LOGGER = "uvicorn.access"


def without_query(path: str) -> str:
    """A request path with its query string replaced: no webhook token in an access log."""
    base, question, _ = path.partition("?")
    return f"{base}?{REDACTED}" if question else base


class SecretFilter(logging.Filter):
    """Replaces known secret values and secret-shaped strings with `***`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == _ACCESS_LOGGER and isinstance(record.args, tuple):
            args = list(record.args)
            if len(args) >= 3 and isinstance(args[2], str):
                args[2] = without_query(args[2])
                record.args = tuple(args)
        message = record.getMessage()
        scrubbed = self.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[str], *, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's loggers would otherwise keep handlers of their own that bypass the filter.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)  # follow the root level until uvicorn sets its own
    # Alembic names each of its plugins at INFO on every start; the migrations it runs
    # (alembic.runtime.migration) are what an operator wants to read.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
