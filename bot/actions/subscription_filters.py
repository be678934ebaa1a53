"""Subscription filters, as a person types them: `trackers:Bug,Feature events:notes,status
subprojects:on threads:off private:on replies:on`, and `digest:daily@HH:MM` for one
message a day instead of real-time ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.actions.errors import UserFacingError

EVENT_KINDS = ("created", "notes", "status", "assignee", "priority", "attachments", "closed")
_DIGEST = re.compile(r"^daily@([0-9]{1,2}):([0-9]{2})$", re.IGNORECASE)
BAD_DIGEST = "`digest:{value}`: write it as `digest:daily@09:00` (a time of day, 24-hour clock)."
_SWITCHES = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


@dataclass(frozen=True)
class SubscriptionOptions:
    trackers: list[str] = field(default_factory=list)  # empty: all
    events: list[str] = field(default_factory=list)  # empty: all
    include_subprojects: bool = False
    threads: bool = True
    private: bool = False
    replies: bool = False  # `replies:on`: thread replies become notes
    digest_minute: int | None = None  # daily digest at this local minute after midnight

    def describe(self) -> str:
        parts = [
            "trackers: " + (", ".join(self.trackers) or "all"),
            "events: " + (", ".join(self.events) or "all"),
        ]
        if self.include_subprojects:
            parts.append("with subprojects")
        if not self.threads:
            parts.append("no threads")
        if self.private:
            parts.append("private notes and issues included")
        if self.replies:
            parts.append("thread replies become Redmine notes")
        if self.digest_minute is not None:
            hour, minute = divmod(self.digest_minute, 60)
            parts.append(f"a daily digest at {hour:02d}:{minute:02d} instead of each change")
        return "; ".join(parts)


def _digest(value: str) -> int:
    match = _DIGEST.match(value)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (24, 60)
    if hour > 23 or minute > 59:
        raise UserFacingError(BAD_DIGEST.format(value=value))
    return hour * 60 + minute


def _switch(name: str, value: str) -> bool:
    if value.lower() not in _SWITCHES:
        raise UserFacingError(f"`{name}:{value}`: use `{name}:on` or `{name}:off`.")
    return _SWITCHES[value.lower()]


def parse_filters(words: tuple[str, ...] | list[str]) -> SubscriptionOptions:
    """Parse the filter words; a bad one raises UserFacingError naming it and the choices."""
    trackers: list[str] = []
    events: list[str] = []
    switches: dict[str, bool] = {}
    digest_minute: int | None = None
    for word in words:
        name, sep, value = word.partition(":")
        name = name.lower()
        if not sep or not value:
            raise UserFacingError(
                f"I don't understand the filter `{word}`. Filters look like `trackers:Bug,Feature`, "
                "`events:notes,status`, `subprojects:on`, `threads:off`, `private:on`, `replies:on`, "
                "`digest:daily@09:00`."
            )
        if name == "trackers":
            trackers = [t.strip() for t in value.split(",") if t.strip()]
        elif name == "events":
            events = [e.strip().lower() for e in value.split(",") if e.strip()]
            unknown = [e for e in events if e not in EVENT_KINDS]
            if unknown:
                raise UserFacingError(
                    f"Unknown event `{unknown[0]}`. Events: "
                    + ", ".join(f"`{k}`" for k in EVENT_KINDS)
                    + "."
                )
        elif name == "digest":
            digest_minute = _digest(value)
        elif name in {"subprojects", "threads", "private", "replies"}:
            switches[name] = _switch(name, value)
        else:
            raise UserFacingError(
                f"Unknown filter `{name}`. Filters: `trackers`, `events`, `subprojects`, `threads`, "
                "`private`, `replies`, `digest`."
            )
    return SubscriptionOptions(
        trackers=trackers,
        events=events,
        include_subprojects=switches.get("subprojects", False),
        threads=switches.get("threads", True),
        private=switches.get("private", False),
        replies=switches.get("replies", False),
        digest_minute=digest_minute,
    )
