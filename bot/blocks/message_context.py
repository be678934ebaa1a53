"""What a shortcut's modal carries about its message, in private_metadata.

A superset of `ModalContext`'s keys (channel_id, message_ts, thread_ts), so code that
only knows `ModalContext` still reads where to answer. Private metadata holds at most
3000 characters: ids and one link, never the message's text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slackmessages import SlackMessage


@dataclass(frozen=True)
class MessageContext:
    channel_id: str = ""
    message_ts: str | None = None
    thread_ts: str | None = None  # the thread answers go into
    in_thread: bool = False  # the message is part of a thread worth copying
    permalink: str | None = None
    file_ids: tuple[str, ...] = ()
    # The project the dependent fields were built for (see ModalContext.project_id).
    project_id: int | None = None

    @classmethod
    def of(cls, message: SlackMessage, permalink: str | None) -> MessageContext:
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
            "message_ts": self.message_ts,
            "thread_ts": self.thread_ts,
            "in_thread": self.in_thread or None,
            "permalink": self.permalink,
            "file_ids": list(self.file_ids) or None,
            "project_id": self.project_id,
        }
        return json.dumps(
            {k: v for k, v in data.items() if v not in (None, "")}, separators=(",", ":")
        )

    @classmethod
    def decode(cls, text: str | None) -> MessageContext:
        try:
            data = json.loads(text or "{}")
        except (ValueError, RecursionError):  # deep nesting fits in 3000 characters
            return cls()
        if not isinstance(data, dict):
            return cls()

        def text_of(key: str) -> str | None:
            value = data.get(key)
            return str(value) if isinstance(value, str | int | float) and value != "" else None

        files = data.get("file_ids")
        project_id = data.get("project_id")
        return cls(
            channel_id=text_of("channel_id") or "",
            message_ts=text_of("message_ts"),
            thread_ts=text_of("thread_ts"),
            in_thread=data.get("in_thread") is True,
            permalink=text_of("permalink"),
            file_ids=tuple(str(f) for f in files) if isinstance(files, list) else (),
            project_id=project_id
            if isinstance(project_id, int) and not isinstance(project_id, bool)
            else None,
        )
