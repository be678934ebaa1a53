"""Downloading a message's files from Slack, streamed, with the bot token sent only to Slack.

The bot token is only ever sent to Slack's hosts and to SLACK_API_URL's host: a file URL
from a payload that points anywhere else is refused before any request is made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.i18n import _

SLACK_FILE_HOSTS = ("files.slack.com", "slack-files.com")
CHUNK = 64 * 1024


class SlackFileError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class SlackFile:
    id: str
    name: str
    size: int | None
    mimetype: str | None
    url: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SlackFile:
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name") or data.get("title") or data.get("id") or "file"),
            # Never trusted to be a number: an unreadable size reads as unknown.
            size=data.get("size") if has_readable_size(data) else None,
            mimetype=data.get("mimetype"),
            url=str(data.get("url_private_download") or data.get("url_private") or ""),
        )


def token_may_go_to(url: str, slack_api_url: str) -> bool:
    """Slack's own file hosts over https, or the host SLACK_API_URL names (proxies, tests)."""
    target = urlsplit(url)
    api = urlsplit(slack_api_url)
    if (target.scheme, target.netloc) == (api.scheme, api.netloc):
        return True
    host = (target.hostname or "").lower()
    return target.scheme == "https" and (
        host in SLACK_FILE_HOSTS or any(host.endswith("." + h) for h in SLACK_FILE_HOSTS)
    )


class SlackFiles:
    def __init__(self, http: httpx.AsyncClient, bot_token: str, slack_api_url: str) -> None:
        self._http = http
        self._token = bot_token
        self._api_url = slack_api_url

    @asynccontextmanager
    async def open(self, file: SlackFile) -> AsyncIterator[tuple[AsyncIterator[bytes], int | None]]:
        """Yield (byte stream, length) for the file; nothing is held in memory whole."""
        if not file.url or not token_may_go_to(file.url, self._api_url):
            raise SlackFileError(
                file.name, _("its download address is not on Slack, so it was not fetched")
            )
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._http.stream("GET", file.url, headers=headers) as response:
                content_type = response.headers.get("content-type", "")
                # Slack answers a download it won't allow with its HTML sign-in page and 200.
                if response.status_code != 200 or (
                    content_type.startswith("text/html")
                    and not (file.mimetype or "").startswith("text/html")
                ):
                    raise SlackFileError(
                        file.name,
                        _("Slack would not let the bot download it (is the bot in that channel?)"),
                    )
                length = response.headers.get("content-length")
                yield response.aiter_bytes(CHUNK), int(length) if length else file.size
        except httpx.HTTPError:
            raise SlackFileError(file.name, _("downloading it from Slack failed")) from None


def has_readable_size(data: dict[str, Any]) -> bool:
    """Slack describes a file's `size` as a whole number of bytes
    (docs.slack.dev/reference/objects/file-object); absent is allowed, anything else not."""
    size = data.get("size")
    return size is None or (type(size) is int and size >= 0)
