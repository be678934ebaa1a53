"""Escaping for Slack's mrkdwn: the only way text from Redmine enters a Slack message.

Slack treats `&`, `<` and `>` as control characters: `<!channel>` pings everyone and
`<http://x|label>` makes a link. Escaping all three makes any text literal.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
_ENTITY_OR_LINK = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")


def escape_mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_mrkdwn(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_safe_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.netloc or parts.scheme == "mailto")


def _url_for_link(url: str) -> str:
    # Inside <...> Slack splits at "|" and ends at ">": percent-encode what would break it.
    return (
        url.strip()
        .replace("%", "%25")
        .replace("|", "%7C")
        .replace(">", "%3E")
        .replace("<", "%3C")
        .replace(" ", "%20")
        .replace("&", "&amp;")
    )


def link(url: str, label: str | None = None) -> str:
    """A Slack link; an unsafe URL (javascript:, data:...) becomes plain escaped text."""
    shown = label if label else url
    if not is_safe_url(url):
        return escape_mrkdwn(shown)
    safe_label = escape_mrkdwn(shown).replace("|", "¦")
    return f"<{_url_for_link(url)}|{safe_label}>"


def truncate(text: str, limit: int, more_url: str | None = None) -> str:
    """Cut mrkdwn at a readable boundary at or before `limit` characters.

    Never splits an entity (`&amp;`) or a link (`<...>`); adds "…" and, with
    `more_url`, a link to the rest.
    """
    if len(text) <= limit:
        return text
    # Positions where cutting would split an entity or a link are forbidden.
    forbidden: set[int] = set()
    for match in _ENTITY_OR_LINK.finditer(text):
        forbidden.update(range(match.start() + 1, match.end()))
    cut = limit
    while cut > 0 and cut in forbidden:
        cut -= 1
    boundary = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut))
    if boundary > cut * 0.6 and boundary not in forbidden:
        cut = boundary
    shortened = text[:cut].rstrip()
    # An unclosed code block would swallow the "more" link.
    if shortened.count("```") % 2:
        shortened += "\n```"
    suffix = "…"
    if more_url:
        suffix += " " + link(more_url, "more")
    return shortened + suffix
