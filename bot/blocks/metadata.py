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
    # The project the form's dependent fields were built for. Options requests carry no
    # form state (Slack sends `view.state.values` empty in block_suggestion), so this,
    # written by the `views.update` that follows a project choice, is their only source.
    project_id: int | None = None

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
        # Only what encode() writes: whole numbers (not a bool, not 1e309) in Redmine's range.
        for key in ("issue_id", "project_id"):
            value = data.get(key)
            if type(value) is int and 0 < value <= MAX_ID:
                fields[key] = value
        return cls(**fields)
