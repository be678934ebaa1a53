"""Interaction state that travels in the payload (private_metadata, button values).

No server memory between a modal opening and its submission: one encode/decode pair for
every modal. A modal opened on a message also carries that message (where to answer, its
permalink, its file ids); private_metadata holds at most 3000 characters
(docs.slack.dev/reference/views/modal-view), so ids and one link, never the message's text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.redmine.models import MAX_ID
from bot.slack.messages import SlackMessage

_TEXT_KEYS = (
    "channel_id",
    "message_ts",
    "thread_ts",
    "permalink",
    "card",
    "card_surface",
    "response_url",
)
_ID_KEYS = ("issue_id", "project_id")


@dataclass(frozen=True)
class ModalContext:
    channel_id: str = ""
    issue_id: int | None = None  # the issue a command's form is about (`/redmine attach 5`)
    message_ts: str | None = None  # the message a shortcut was used on
    thread_ts: str | None = None  # the thread answers go into
    in_thread: bool = False  # the message is part of a thread worth copying
    permalink: str | None = None
    file_ids: tuple[str, ...] = ()
    # The project the form's dependent fields were built for. Options requests carry no
    # form state (Slack sends `view.state.values` empty in block_suggestion), so this,
    # written by the `views.update` that follows a project choice, is their only source.
    project_id: int | None = None
    # A form opened from an issue card (its Edit button): the issue as the form drew it
    # (an encoded CardRef, so a change made meanwhile is caught before writing), and the
    # card to redraw afterwards: `card_surface` "message" (chat.update at channel_id and
    # message_ts), "ephemeral" (response_url, replace_original) or "home".
    card: str | None = None
    card_surface: str | None = None
    response_url: str | None = None

    @classmethod
    def of(cls, message: SlackMessage, permalink: str | None) -> ModalContext:
        """The context of a modal opened on `message` (a message shortcut)."""
        return cls(
            channel_id=message.channel_id,
            message_ts=message.ts or None,
            thread_ts=message.answer_ts or None,
            in_thread=message.in_thread,
            permalink=permalink,
            file_ids=message.file_ids,
        )

    def encode(self) -> str:
        data: dict[str, Any] = {
            "channel_id": self.channel_id,
            "issue_id": self.issue_id,
            "message_ts": self.message_ts,
            "thread_ts": self.thread_ts,
            "in_thread": self.in_thread or None,
            "permalink": self.permalink,
            "file_ids": list(self.file_ids) or None,
            "project_id": self.project_id,
            "card": self.card,
            "card_surface": self.card_surface,
            "response_url": self.response_url,
        }
        return json.dumps(
            {k: v for k, v in data.items() if v not in (None, "")}, separators=(",", ":")
        )

    @classmethod
    def decode(cls, text: object) -> ModalContext:
        """Only what encode() writes; anything else (not JSON, wrong types) is left out."""
        if not isinstance(text, str):
            return cls()
        try:
            data = json.loads(text or "{}")
        except (ValueError, RecursionError):  # deep nesting fits in 3000 characters
            return cls()
        if not isinstance(data, dict):
            return cls()
        fields: dict[str, Any] = {
            k: data[k] for k in _TEXT_KEYS if isinstance(data.get(k), str) and data[k]
        }
        # Whole numbers (not a bool, not 1e309) in Redmine's id range.
        for key in _ID_KEYS:
            value = data.get(key)
            if type(value) is int and 0 < value <= MAX_ID:
                fields[key] = value
        files = data.get("file_ids")
        if isinstance(files, list):
            fields["file_ids"] = tuple(str(f) for f in files if isinstance(f, str))
        return cls(in_thread=data.get("in_thread") is True, **fields)
