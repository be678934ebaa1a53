"""Turning a Slack message (and its thread) into Redmine text: subject, description, note.

Pure functions: the Slack reads (permalink, thread, names) happen in the handlers, and
what they return comes in here as data. The words this adds (the permalink line, the
thread's heading) are written into Redmine in the language of the person who asked: it
is their issue or note, written as them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from bot.config import TextFormatting
from bot.i18n import _
from bot.slack import limits
from bot.slack.messages import ThreadMessage
from bot.text import slack_to_redmine, unescape_mrkdwn

FIELD_LIMIT = limits.PLAIN_TEXT_INPUT  # a plain_text_input's max_length in a modal

# A user mention as Slack writes it in message text: `<@U123>` or `<@U123|name>`.
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_ANGLE = re.compile(r"<([^<>]+)>")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Slack's inline formatting markers around words; a subject is plain text in Redmine.
_MARKERS = re.compile(r"(?<![\w])([*_~`]+)(?=\S)(.+?)(?<=\S)\1(?![\w])")


def mentioned_user_ids(texts: Iterable[str]) -> set[str]:
    return {user_id for text in texts for user_id in MENTION.findall(text)}


def _angle_as_plain(inner: str, names: Mapping[str, str]) -> str:
    target, _bar, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (names.get(target[1:]) or label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        return label or ("@" + special if special in {"here", "channel", "everyone"} else "")
    return label or target


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack mrkdwn as plain text: links by their labels, mentions by names, no markers."""
    names = names or {}
    plain = _ANGLE.sub(lambda m: _angle_as_plain(m.group(1), names), text)
    plain = _MARKERS.sub(lambda m: m.group(2), plain)
    return unescape_mrkdwn(plain)


def cut_on_word(text: str, limit: int) -> str:
    """At most `limit` characters, cut at the last word boundary, "…" marking the cut.

    A single word longer than the limit is cut inside it (there is no boundary).
    """
    if len(text) <= limit:
        return text
    room = limit - 1  # keep one character for the ellipsis
    boundary = text.rfind(" ", 0, room + 1)
    cut = text[:boundary] if boundary > 0 else text[:room]
    return cut.rstrip(" ,;:-") + "…"


def subject_from(text: str, names: Mapping[str, str] | None = None) -> str:
    """The message's first non-empty line as plain text, cut to Redmine's 255 characters."""
    for line in plain_text(text, names).splitlines():
        cleaned = _SPACES.sub(" ", line).strip().lstrip(">•◦ ").strip()
        if cleaned:
            return cut_on_word(cleaned, limits.REDMINE_SUBJECT)
    return ""


def permalink_line(permalink: str, formatting: TextFormatting) -> str:
    """The line linking back to the message, in Redmine's markup (the link's words
    translated with the markup around them, so no language loses the link)."""
    if formatting == TextFormatting.textile:
        return _('From Slack: "message":{url}', url=permalink)
    return _("From Slack: [message]({url})", url=permalink)


def message_body(
    text: str,
    formatting: TextFormatting,
    *,
    names: Mapping[str, str] | None = None,
    permalink: str | None = None,
    limit: int = FIELD_LIMIT,
) -> str:
    """The message in Redmine markup followed by its permalink, within `limit` characters.

    The permalink line always survives: when the text is too long, the text is cut.
    """
    body = slack_to_redmine(text, formatting, names=names).strip()
    if not permalink:
        return cut_on_word(body, limit)
    link_line = permalink_line(permalink, formatting)
    room = limit - len(link_line) - 2
    if room <= 0:
        return link_line[:limit]
    body = cut_on_word(body, room)
    return f"{body}\n\n{link_line}" if body else link_line


def slack_time(ts: str) -> str:
    """A message timestamp ("1700000000.000100") as "2023-11-14 22:13 UTC"."""
    try:
        moment = datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return ""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def author_name(message: ThreadMessage, names: Mapping[str, str]) -> str:
    if message.user_id:
        return names.get(message.user_id) or message.user_id
    return message.author or _("Someone")


def render_thread(
    messages: Sequence[ThreadMessage],
    formatting: TextFormatting,
    *,
    names: Mapping[str, str] | None = None,
    skip_ts: str | None = None,
) -> str:
    """The thread as Redmine markup: each message under its author's name and time.

    `skip_ts` leaves out the message the description already holds.
    """
    names = names or {}
    textile = formatting == TextFormatting.textile
    parts = []
    for message in messages:
        if skip_ts is not None and message.ts == skip_ts:
            continue
        name = author_name(message, names)
        # Names are plain text: keep markup characters in them from turning into markup.
        shown = re.sub(r"([*_\[\]])", r"\\\1", name) if not textile else name
        when = slack_time(message.ts)
        heading = f"*{shown}*" if textile else f"**{shown}**"
        if when:
            heading += f", {when}"
        body = slack_to_redmine(message.text, formatting, names=names).strip()
        parts.append(f"{heading}:\n{body}" if body else f"{heading}: " + _("(no text)"))
    if not parts:
        return ""
    title = _("Thread in Slack:")
    return (title if textile else f"**{title}**") + "\n\n" + "\n\n".join(parts)


def description_with_thread(description: str, thread: str) -> str:
    if not thread:
        return description
    return f"{description}\n\n{thread}" if description else thread
