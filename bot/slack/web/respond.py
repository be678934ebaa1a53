"""Answers to a request's `response_url`, through one HTTP session kept for the process.

Bolt's `respond` opens a new aiohttp session for every answer (slack_bolt's
AsyncRespond builds an AsyncWebhookClient without one), so every `/redmine create`
paid for a session and a new connection (and, to Slack's hooks host, a TLS handshake)
in the event loop that acks the next requests: about 5% of the service's samples under
bench/ack_latency.py's load. This `respond` says the same to Slack, the same way
(slack_sdk's AsyncWebhookClient, Bolt's own message builder), over connections kept open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class ResponseSessions:
    """The process's aiohttp session for response URLs: one per event loop, opened on
    first use, closed by `aclose` (the app's lifespan)."""

    def __init__(self, timeout: float = 30.0) -> None:
        # AsyncWebhookClient's own default, which it gives the sessions it opens.
        self.timeout = timeout
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._sessions[loop] = session
        return session

    async def aclose(self) -> None:
        sessions, self._sessions = self._sessions, {}
        loop = asyncio.get_running_loop()
        for owner, session in sessions.items():
            if owner is loop:
                await session.close()


class PooledRespond(AsyncRespond):
    """Bolt's `respond` (same arguments, same message), over the process's session."""

    def __init__(self, respond: AsyncRespond, sessions: ResponseSessions) -> None:
        super().__init__(response_url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl)
        self.sessions = sessions

    async def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        if isinstance(text, dict):
            message = _build_message(**text)
        else:
            message = _build_message(
                text=text,
                blocks=blocks,
                attachments=attachments,
                response_type=response_type,
                replace_original=replace_original,
                delete_original=delete_original,
                unfurl_links=unfurl_links,
                unfurl_media=unfurl_media,
                thread_ts=thread_ts,
                metadata=metadata,
            )
        client = AsyncWebhookClient(
            url=self.response_url,
            proxy=self.proxy,
            ssl=self.ssl,
            session=self.sessions.session(),
        )
        return await client.send_dict(message)
