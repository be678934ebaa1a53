"""Exactly once across a kill: a post is recorded as pending before it goes to Slack, and
a post found pending is first looked up in Slack before it is sent again.

The gap this closes: Slack took a message, and the process died (kill -9, a deadline, a
lost answer) before the delivery was recorded. The message carries its key in Slack's
message metadata (`metadata: {event_type, event_payload}` on chat.postMessage,
docs.slack.dev/messaging/message-metadata); `conversations.history` (top-level posts) or
`conversations.replies` (thread replies) with `include_all_metadata=true` return it
(docs.slack.dev/reference/methods/conversations.history, argument include_all_metadata:
"Return all metadata associated with this message"). Only posts left pending are looked
up, so history reads stay rare: Slack limits conversations.history to Tier 3, and to one
request a minute with at most 15 messages for apps distributed outside the Marketplace
(same page, Usage info), hence LOOKUP_LIMIT and LOOKUP_PAGES.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from bot.notify.deadlines import Deadlines
from bot.slack.web.errors import error_code
from bot.store.pending import PendingPostRepository

log = logging.getLogger(__name__)

EVENT_TYPE = "redmine_notification"
LOOKUP_LIMIT = 15
LOOKUP_PAGES = 4
# Slack's clock and ours may differ: the look-up reaches back this much before the
# moment the post was recorded as pending.
CLOCK_SLACK = timedelta(seconds=60)


def marker(key: str) -> dict[str, Any]:
    """The message metadata that names a post (chat.postMessage's `metadata`)."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("key") == key


class PendingPosts:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        slack: AsyncWebClient,
        *,
        deadlines: Deadlines | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.sessions = sessions
        self.slack = slack
        self.metrics = metrics or Metrics()
        self.deadlines = deadlines or Deadlines(self.metrics)

    async def already_posted(self, key: str, channel_id: str, thread_ts: str | None) -> str | None:
        """The ts of the message Slack already holds for `key`, when an earlier attempt
        left it pending and Slack took it; else None, with the post now recorded pending."""
        async with self.sessions() as session:
            repo = PendingPostRepository(session)
            row = await repo.get(key)
            if row is None:
                await repo.begin(key, channel_id, thread_ts)
                await session.commit()
                return None
            since = row.created_at - CLOCK_SLACK
        return await self.look_up(key, channel_id, thread_ts, since.timestamp())

    async def look_up(
        self, key: str, channel_id: str, thread_ts: str | None, oldest: float
    ) -> str | None:
        """Find the message carrying `key` in the channel (or the thread) since `oldest`."""
        try:
            found = await self.deadlines.run(
                "slack",
                f"Slack's history of {channel_id}",
                self._search(key, channel_id, thread_ts, f"{oldest:.6f}"),
            )
        except SlackApiError as error:
            # Unreadable (no history scope, the bot left): better a rare repeat than a loss.
            log.info("could not look for %s in %s: %s", key, channel_id, error_code(error))
            found = None
        self.metrics.history_lookups.labels("yes" if found else "no").inc()
        if found:
            log.info("%s was already in %s (%s): not posted again", key, channel_id, found)
        return found

    async def _search(
        self, key: str, channel_id: str, thread_ts: str | None, oldest: str
    ) -> str | None:
        cursor: str | None = None
        for _ in range(LOOKUP_PAGES):
            arguments: dict[str, Any] = {
                "channel": channel_id,
                "oldest": oldest,
                "include_all_metadata": True,
                "limit": LOOKUP_LIMIT,
            }
            if cursor:
                arguments["cursor"] = cursor
            if thread_ts:
                answer = await self.slack.conversations_replies(ts=thread_ts, **arguments)
            else:
                answer = await self.slack.conversations_history(**arguments)
            for message in answer.get("messages") or []:
                if isinstance(message, dict) and carries(message, key):
                    return str(message.get("ts") or "") or None
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None
