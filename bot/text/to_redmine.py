"""Slack mrkdwn -> Redmine markup (Textile by default, or CommonMark)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.config import TextFormatting
from bot.text.escape import unescape_mrkdwn
from bot.text.placeholders import keep, restore

_CODE_BLOCK = re.compile(r"```(.*?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
# Textile reads these at the start of a line as structure; plain Slack text must not turn
# into a heading or a table by accident.
_TEXTILE_LINE_START = re.compile(r"^(h[1-6]|bq|p|fn\d+|bc|pre|table)(\(.*?\))?\.\s", re.MULTILINE)


def _angle(inner: str, names: Mapping[str, str], textile: bool) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user_id = target[1:]
        return "@" + (names.get(user_id) or label or user_id)
    if target.startswith("#"):
        return "#" + (label or names.get(target[1:]) or target[1:])
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        if special == "subteam":
            return label or "@team"
        if special == "date":
            return label or target
        return "@" + special
    url = unescape_mrkdwn(target)
    text = unescape_mrkdwn(label) if label else ""
    if not text or text == url:
        return url
    return f'"{text}":{url}' if textile else f"[{text}]({url})"


def slack_to_redmine(
    text: str,
    formatting: TextFormatting = TextFormatting.textile,
    *,
    names: Mapping[str, str] | None = None,
) -> str:
    """Convert a Slack message to Redmine markup; `names` maps Slack user ids to names."""
    textile = formatting == TextFormatting.textile
    names = names or {}
    kept: list[str] = []

    def code_block(match: re.Match[str]) -> str:
        body = unescape_mrkdwn(match.group(1).strip("\n"))
        if textile:
            return keep(kept, "<pre>" + body.replace("<", "&lt;").replace(">", "&gt;") + "</pre>")
        return keep(kept, "```\n" + body + "\n```")

    def inline_code(match: re.Match[str]) -> str:
        body = unescape_mrkdwn(match.group(1))
        if textile:
            return keep(kept, "@" + body + "@" if "@" not in body else "<code>" + body + "</code>")
        return keep(kept, "`" + body + "`")

    converted = _CODE_BLOCK.sub(code_block, text)
    converted = _INLINE_CODE.sub(inline_code, converted)
    converted = _ANGLE.sub(lambda m: keep(kept, _angle(m.group(1), names, textile)), converted)
    if textile:
        converted = _STRIKE.sub(r"-\1-", converted)
    else:
        converted = _BOLD.sub(r"**\1**", converted)
        converted = _STRIKE.sub(r"~~\1~~", converted)
    lines = []
    for line in converted.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("&gt;"):
            body = stripped[4:].lstrip()
            line = ("bq. " if textile else "> ") + body
        elif stripped.startswith(("• ", "◦ ")):
            line = ("* " if textile else "- ") + stripped[2:]
        elif textile and re.match(r"^\d+\.\s", stripped):
            line = "# " + stripped.split(" ", 1)[1]
        elif textile:
            line = _TEXTILE_LINE_START.sub(lambda m: "==" + m.group(0).rstrip() + "== ", line)
        lines.append(line)
    return restore(unescape_mrkdwn("\n".join(lines)), kept)
