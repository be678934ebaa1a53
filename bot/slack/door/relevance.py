"""Whether an event may concern this app, decided from memory before anything is written.

A bot in busy channels receives every message there (`message.channels`,
`message.groups`); almost none concern it. Those are acked and dropped here at the cost
of a few dict lookups: no event-id record, no database read, no Redmine request.

What may concern us:
- every event type but `message` and `link_shared`: Slack sends only the types the
  manifest subscribes to, and each has a listener (App Home, workflow steps, ...);
- `link_shared` when a link is under our Redmine's URL (the unfurls);
- a `message` that is a reply in a thread we follow (it may become a note), or an edit
  or deletion of a message in a followed thread or in a channel holding imported replies
  (the note may have to follow).

A listener wanting other `message` events (a keyword, a link in a message) must be named
here too, or it never hears them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from bot.slack.door.followed import FollowedThreads

CHANGES = frozenset({"message_changed", "message_deleted"})


class Relevance:
    def __init__(self, followed: FollowedThreads, redmine_url: str) -> None:
        self.followed = followed
        base = urlsplit(redmine_url)
        self.redmine = (base.scheme, base.netloc.lower(), base.path.rstrip("/") + "/")

    async def concerns_us(self, event: dict[str, Any]) -> bool:
        """`judge`, once more after a look when this process just wrote a followed thread
        (the chatter meanwhile costs one read per look, not one per event)."""
        if self.judge(event):
            return True
        if not self.followed.stale:
            return False
        try:
            await self.followed.current()
        except (SQLAlchemyError, OSError):
            return True  # cannot tell: let the listener's own checks decide
        return self.judge(event)

    def judge(self, event: dict[str, Any]) -> bool:
        """From memory alone: whether the event may concern us."""
        kind = event.get("type")
        if kind == "link_shared":
            return self._links_ours(event.get("links"))
        if kind != "message":
            return True
        channel = event.get("channel")
        if not isinstance(channel, str):
            return False  # a message nowhere: nothing to follow
        if event.get("subtype") in CHANGES:
            return self._change_may_matter(channel, event)
        return self._reply_may_matter(channel, event)

    def _links_ours(self, links: Any) -> bool:
        if not isinstance(links, list):
            return False
        return any(
            isinstance(link, dict) and self._ours(str(link.get("url", ""))) for link in links
        )

    def _ours(self, url: str) -> bool:
        """Under our Redmine's URL, compared as bot.actions.unfurl compares (host in any case)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        scheme, netloc, path = self.redmine
        return (parts.scheme, parts.netloc.lower()) == (scheme, netloc) and (
            parts.path + "/"
        ).startswith(path)

    def _reply_may_matter(self, channel: str, message: dict[str, Any]) -> bool:
        # A reply names its thread's parent in thread_ts, and differs from its own ts
        # (docs.slack.dev/reference/events/message/message_replied).
        thread_ts, ts = message.get("thread_ts"), message.get("ts")
        if not isinstance(thread_ts, str) or thread_ts == ts:
            return False
        return self.followed.may_follow(channel, thread_ts)

    def _change_may_matter(self, channel: str, event: dict[str, Any]) -> bool:
        if self.followed.may_hold_replies(channel):
            return True
        for key in ("message", "previous_message"):
            message = event.get(key)
            if isinstance(message, dict) and self._reply_may_matter(channel, message):
                return True
        return False
