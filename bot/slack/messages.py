"""Slack messages as data: what a shortcut payload or conversations.replies gives us.

A leaf module (no bot imports) so that readers (bot.slack.web.reads), builders (bot.blocks)
and commands can all share these types without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SlackMessage:
    """The parts of a message-shortcut payload's `message` that the forms use."""

    channel_id: str
    ts: str
    text: str
    user_id: str | None = None
    thread_ts: str | None = None  # set on a thread's parent (with replies) and on replies
    reply_count: int = 0
    file_ids: tuple[str, ...] = ()

    @classmethod
    def from_payload(cls, message: Mapping[str, Any], channel_id: str) -> SlackMessage:
        files = message.get("files") or []
        return cls(
            channel_id=channel_id,
            ts=str(message.get("ts") or ""),
            text=str(message.get("text") or ""),
            user_id=message.get("user") or None,
            thread_ts=message.get("thread_ts") or None,
            reply_count=int(message.get("reply_count") or 0),
            file_ids=tuple(str(f["id"]) for f in files if isinstance(f, Mapping) and f.get("id")),
        )

    @property
    def in_thread(self) -> bool:
        """Part of a thread: a reply, or a parent that has replies."""
        return self.thread_ts is not None and (self.thread_ts != self.ts or self.reply_count > 0)

    @property
    def answer_ts(self) -> str:
        """Where answers go: the thread the message is in, or a new thread under it."""
        return self.thread_ts or self.ts


@dataclass(frozen=True)
class ThreadMessage:
    ts: str
    text: str
    user_id: str | None = None
    author: str | None = None  # a bot's or integration's own name when there is no user

    @classmethod
    def from_api(cls, message: Mapping[str, Any]) -> ThreadMessage:
        profile = message.get("bot_profile") or {}
        return cls(
            ts=str(message.get("ts") or ""),
            text=str(message.get("text") or ""),
            user_id=message.get("user") or None,
            author=message.get("username") or profile.get("name") or None,
        )
