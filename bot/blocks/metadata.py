"""Interaction state that travels in the payload (private_metadata, button values).

No server memory between a modal opening and its submission: one encode/decode pair.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


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
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        fields = {
            k: data[k] for k in ("channel_id", "issue_id", "message_ts", "thread_ts") if k in data
        }
        return cls(**fields)
