"""Notification messages: pure builders, data in, (text fallback, blocks) out."""

from __future__ import annotations

from bot.blocks.common import Block, context, section
from bot.blocks.issues import issue_card, issue_card_text, issue_link, issue_url
from bot.config import TextFormatting
from bot.domain.journal_event import JournalEvent
from bot.i18n import _
from bot.redmine.models import Issue
from bot.text import escape_mrkdwn, redmine_to_mrkdwn

NOTE_LIMIT = 1200


def new_issue_message(
    issue: Issue, base_url: str, formatting: TextFormatting
) -> tuple[str, list[Block]]:
    """The first message about an issue in a channel: its card (the thread's root)."""
    author = escape_mrkdwn(issue.author.name) if issue.author else _("Someone")
    text = f"{author}: {issue_card_text(issue)}"
    return text, issue_card(issue, base_url, formatting, with_description=False, with_actions=True)


def change_message(
    issue: Issue,
    event: JournalEvent,
    base_url: str,
    formatting: TextFormatting,
    *,
    in_thread: bool,
    mentions: dict[str, str] | None = None,
) -> tuple[str, list[Block]]:
    """One journal as one message: who, what changed, and the note (cut, with a link).

    Outside a thread (`threads:off`) the message names the issue itself.
    """
    author = escape_mrkdwn(event.author)
    lines = [c.line for c in event.changes if c.line]
    for name, mention in (mentions or {}).items():
        lines = [line.replace(f"*{escape_mrkdwn(name)}*", mention) for line in lines]
    who = f"*{author}*"
    heading = (
        _("{person} updated", person=who)
        if in_thread
        else _(
            "{person} updated {issue}",
            person=who,
            issue=issue_link(base_url, issue.id, issue.subject),
        )
    )
    if event.private:
        heading += " :lock: " + _("private note")
    blocks: list[Block] = [section("\n".join([heading, *lines]))]
    if event.note:
        note = redmine_to_mrkdwn(
            event.note,
            formatting,
            base_url=base_url,
            limit=NOTE_LIMIT,
            more_url=f"{issue_url(base_url, issue.id)}#change-{event.journal_id}",
        )
        blocks.append(section(note))
    blocks.append(
        context(issue_link(base_url, issue.id, issue.subject)) if in_thread else context(" ")
    )
    if not in_thread:
        blocks.pop()
    fallback_note = f": {escape_mrkdwn(event.note[:200])}" if event.note else ""
    text = _("{person} updated {issue}", person=author, issue="#" + str(issue.id))
    if lines:
        text = _("{summary} ({changes})", summary=text, changes=_changes_listed(lines))
    return text + fallback_note, blocks


def _changes_listed(lines: list[str]) -> str:
    """The changes one after another, punctuated the reader's way ("; " in English, "、" in
    Japanese): the fallback text a phone's notification shows."""
    listed = lines[0]
    for line in lines[1:]:
        listed = _("{changes}; {change}", changes=listed, change=line)
    return listed
