"""Interaction state that travels in the payload (private_metadata, button values).

No server memory between a modal opening and its submission: one encode/decode pair.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from bot.grammar import MAX_ID


@dataclass(frozen=True)
class ModalContext:
    channel_id: str = ""
    issue_id: int | None = None
    message_ts: str | None = None  # the message a shortcut was used on
    thread_ts: str | None = None  # where to answer in thread

    def encode(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None) -> ModalContext:
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # deep nesting fits in 3000 characters
            return cls()
        if not isinstance(data, dict):
            return cls()
        fields: dict[str, Any] = {
            k: data[k]
            for k in ("channel_id", "message_ts", "thread_ts")
            if isinstance(data.get(k), str)
        }
        issue_id = data.get("issue_id")
        # Only what encode() writes: a whole number (not a bool, not 1e309) in Redmine's range.
        if type(issue_id) is int and 0 < issue_id <= MAX_ID:
            fields["issue_id"] = issue_id
        return cls(**fields)
