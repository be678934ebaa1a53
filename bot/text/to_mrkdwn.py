"""Redmine markup (Textile or CommonMark) -> Slack mrkdwn, for display.

Everything from Redmine is escaped: the only `<...>` sequences in the output are links
this module built from http(s)/mailto URLs, so a note can never ping `<!channel>` or
forge a link.
"""

from __future__ import annotations

import re

from bot.config import TextFormatting
from bot.text.escape import escape_mrkdwn, link, truncate
from bot.text.placeholders import keep, restore

_PRE = re.compile(r"<pre>(?:\s*<code[^>]*>)?(.*?)(?:</code>\s*)?</pre>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_TEXTILE_CODE = re.compile(r"(?<![\w@])@([^@\n]+)@(?!\w)")
_BACKTICK_CODE = re.compile(r"`([^`\n]+)`")
_TEXTILE_LINK = re.compile(r'"([^"\n]+)":((?:https?|mailto):[^\s<>"]*[^\s<>".,;:!?)\]])')
_TEXTILE_IMAGE = re.compile(r"!([^!\s]+)!")
_PARENS_URL = r"([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"  # one level of parentheses inside
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(" + _PARENS_URL + r"\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(" + _PARENS_URL + r"\)")
_BARE_URL = re.compile(r"(?<![\w/\"(])((?:https?)://[^\s<>\"]*[^\s<>\".,;:!?)\]])")
_ISSUE_REF = re.compile(r"(?<![\w&/])#(\d+)\b")


def _code_block(body: str) -> str:
    return "```\n" + escape_mrkdwn(body.strip("\n")) + "\n```"


def _line(line: str, textile: bool) -> str:
    stripped = line.strip()
    if textile:
        heading = re.match(r"^h[1-6](?:\([^)]*\))?\.\s+(.*)$", stripped)
        if heading:
            return f"*{heading.group(1)}*"
        quote = re.match(r"^bq\.\s+(.*)$", stripped)
        if quote:
            return "> " + quote.group(1)
        stripped_p = re.match(r"^p(?:\([^)]*\))?\.\s+(.*)$", stripped)
        if stripped_p:
            return stripped_p.group(1)
        bullet = re.match(r"^(\*+)\s+(.*)$", stripped)
        if bullet:
            return "    " * (len(bullet.group(1)) - 1) + "• " + bullet.group(2)
        numbered = re.match(r"^(#+)\s+(.*)$", stripped)
        if numbered:
            return "    " * (len(numbered.group(1)) - 1) + "1. " + numbered.group(2)
        return line
    heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", stripped)
    if heading:  # \x01 becomes "*" after the inline pass, which would read "*x*" as italic
        return f"\x01{heading.group(1)}\x01"
    quote = re.match(r"^&gt;\s?(.*)$", stripped)
    if quote and quote.group(1):
        return "> " + quote.group(1)
    # An empty quote line stays the escaped character: a bare ">" would reach Slack raw.
    bullet = re.match(r"^(\s*)[-*+]\s+(.*)$", line)
    if bullet:
        return "    " * (len(bullet.group(1)) // 2) + "• " + bullet.group(2)
    return line


def _inline(text: str, textile: bool) -> str:
    if textile:
        text = re.sub(r"(?<![\w*])\*\*?(?=\S)([^*\n]+?)(?<=\S)\*?\*(?![\w*])", r"*\1*", text)
        text = re.sub(r"(?<![\w_])__?(?=\S)([^_\n]+?)(?<=\S)_?_(?![\w_])", r"_\1_", text)
        text = re.sub(r"(?<![\w-])-(?=\S)([^-\n]+?)(?<=\S)-(?![\w-])", r"~\1~", text)
        text = re.sub(r"(?<![\w+])\+(?=\S)([^+\n]+?)(?<=\S)\+(?![\w+])", r"\1", text)  # underline
        return text
    text = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", "\x01\\1\x01", text)
    text = re.sub(r"__(?=\S)(.+?)(?<=\S)__", "\x01\\1\x01", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"_\1_", text)
    text = re.sub(r"~~(?=\S)(.+?)(?<=\S)~~", r"~\1~", text)
    return text.replace("\x01", "*")


def redmine_to_mrkdwn(
    text: str,
    formatting: TextFormatting = TextFormatting.textile,
    *,
    base_url: str | None = None,
    limit: int | None = None,
    more_url: str | None = None,
) -> str:
    """Render Redmine markup as escaped mrkdwn; cut to `limit` with a link to `more_url`."""
    textile = formatting == TextFormatting.textile
    kept: list[str] = []
    body = text.replace("\r\n", "\n")
    body = _PRE.sub(lambda m: keep(kept, _code_block(m.group(1))), body)
    body = _FENCE.sub(lambda m: keep(kept, _code_block(m.group(1))), body)
    code = _TEXTILE_CODE if textile else _BACKTICK_CODE
    body = code.sub(lambda m: keep(kept, "`" + escape_mrkdwn(m.group(1)) + "`"), body)
    if textile:
        body = _TEXTILE_LINK.sub(lambda m: keep(kept, link(m.group(2), m.group(1))), body)
        body = _TEXTILE_IMAGE.sub(
            lambda m: keep(kept, link(m.group(1), "image")) if "://" in m.group(1) else m.group(0),
            body,
        )
    else:
        body = _MD_IMAGE.sub(lambda m: keep(kept, link(m.group(2), m.group(1) or "image")), body)
        body = _MD_LINK.sub(lambda m: keep(kept, link(m.group(2), m.group(1))), body)
    body = _BARE_URL.sub(lambda m: keep(kept, link(m.group(1))), body)
    if base_url:
        root = base_url.rstrip("/")
        body = _ISSUE_REF.sub(
            lambda m: keep(kept, link(f"{root}/issues/{m.group(1)}", f"#{m.group(1)}")), body
        )
    body = escape_mrkdwn(body)
    body = "\n".join(_line(line, textile) for line in body.split("\n"))
    body = _inline(body, textile)
    rendered = restore(body, kept).strip()
    if limit is not None:
        rendered = truncate(rendered, limit, more_url)
    return rendered
