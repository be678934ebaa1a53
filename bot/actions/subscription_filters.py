"""Subscription filters, as a person types them: `trackers:Bug,Feature events:notes,status
subprojects:on threads:off private:on replies:on`, `digest:daily@HH:MM` for one
message a day instead of real-time ones, and `lang:de` for the language they are in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.actions.errors import UserFacingError
from bot.i18n import LANGUAGES, N_, _, catalog_for, current

EVENT_KINDS = ("created", "notes", "status", "assignee", "priority", "attachments", "closed")
_DIGEST = re.compile(r"^daily@([0-9]{1,2}):([0-9]{2})$", re.IGNORECASE)
BAD_DIGEST = N_(
    "`digest:{value}`: write it as `digest:daily@09:00` (a time of day, 24-hour clock)."
)
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
    language: str | None = None  # `lang:de`: a catalog of bot.i18n; None: DEFAULT_LOCALE

    def describe(self) -> str:
        parts = [
            _("trackers: {trackers}", trackers=", ".join(self.trackers) or _("all")),
            _("events: {events}", events=", ".join(self.events) or _("all")),
        ]
        if self.include_subprojects:
            parts.append(_("with subprojects"))
        if not self.threads:
            parts.append(_("no threads"))
        if self.private:
            parts.append(_("private notes and issues included"))
        if self.replies:
            parts.append(_("thread replies become Redmine notes"))
        if self.digest_minute is not None:
            hour, minute = divmod(self.digest_minute, 60)
            at = f"{hour:02d}:{minute:02d}"
            parts.append(_("a daily digest at {time} instead of each change", time=at))
        if self.language is not None:
            name = current().language_name(self.language)
            parts.append(_("in {language}", language=name))
        return "; ".join(parts)


def _digest(value: str) -> int:
    match = _DIGEST.match(value)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (24, 60)
    if hour > 23 or minute > 59:
        raise UserFacingError(_(BAD_DIGEST, value=value))
    return hour * 60 + minute


def _switch(name: str, value: str) -> bool:
    if value.lower() not in _SWITCHES:
        raise UserFacingError(
            _("`{name}:{value}`: use `{name}:on` or `{name}:off`.", name=name, value=value)
        )
    return _SWITCHES[value.lower()]


def _language(value: str) -> str:
    language = catalog_for(value)
    if language is None:
        choices = ", ".join(f"`lang:{code}`" for code in LANGUAGE_WORDS)
        raise UserFacingError(
            _(
                "`lang:{value}`: I don't speak that language yet. Languages: {choices}.",
                value=value,
                choices=choices,
            )
        )
    return language


# How a person writes each catalog in `lang:` (Slack's own tags), in the catalog order.
LANGUAGE_WORDS = tuple(code.replace("_Hans", "-CN").replace("_", "-") for code in LANGUAGES)


def parse_filters(words: tuple[str, ...] | list[str]) -> SubscriptionOptions:
    """Parse the filter words; a bad one raises UserFacingError naming it and the choices."""
    trackers: list[str] = []
    events: list[str] = []
    switches: dict[str, bool] = {}
    digest_minute: int | None = None
    language: str | None = None
    for word in words:
        name, sep, value = word.partition(":")
        name = name.lower()
        if not sep or not value:
            raise UserFacingError(
                _(
                    "I don't understand the filter `{word}`. Filters look like "
                    "`trackers:Bug,Feature`, `events:notes,status`, `subprojects:on`, "
                    "`threads:off`, `private:on`, `replies:on`, `digest:daily@09:00`, "
                    "`lang:de`.",
                    word=word,
                )
            )
        if name == "trackers":
            trackers = [t.strip() for t in value.split(",") if t.strip()]
        elif name == "events":
            events = [e.strip().lower() for e in value.split(",") if e.strip()]
            unknown = [e for e in events if e not in EVENT_KINDS]
            if unknown:
                kinds = ", ".join(f"`{k}`" for k in EVENT_KINDS)
                raise UserFacingError(
                    _("Unknown event `{event}`. Events: {kinds}.", event=unknown[0], kinds=kinds)
                )
        elif name == "digest":
            digest_minute = _digest(value)
        elif name == "lang":
            language = _language(value)
        elif name in {"subprojects", "threads", "private", "replies"}:
            switches[name] = _switch(name, value)
        else:
            raise UserFacingError(
                _(
                    "Unknown filter `{name}`. Filters: `trackers`, `events`, `subprojects`, "
                    "`threads`, `private`, `replies`, `digest`, `lang`.",
                    name=name,
                )
            )
    return SubscriptionOptions(
        trackers=trackers,
        events=events,
        include_subprojects=switches.get("subprojects", False),
        threads=switches.get("threads", True),
        private=switches.get("private", False),
        replies=switches.get("replies", False),
        digest_minute=digest_minute,
        language=language,
    )
