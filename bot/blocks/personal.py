"""Personal notifications in a DM: the channel builders, with a line saying why you're told."""

from __future__ import annotations

from bot.blocks.common import Block, context
from bot.blocks.notifications import change_message, new_issue_message
from bot.config import TextFormatting
from bot.domain.journal_event import JournalEvent
from bot.i18n import N_, _
from bot.redmine.models import Issue

# Why a person is told, by the kind of notification (the App Home toggles); for
# "involved" the words say how the person is involved.
REASONS = {
    "assigned": N_("Assigned to you"),
    "mentions": N_("You were mentioned"),
    "status": N_("The status of your issue changed"),
    "assignee": N_("On an issue assigned to you"),
    "author": N_("On an issue you reported"),
    "watcher": N_("On an issue you watch"),
}


def personal_new_issue_message(
    issue: Issue, reason: str, base_url: str, formatting: TextFormatting
) -> tuple[str, list[Block]]:
    text, blocks = new_issue_message(issue, base_url, formatting)
    said = _(reason)  # a REASONS entry, in the reader's language
    return f"{said}: {text}", [context(said), *blocks]


def personal_change_message(
    issue: Issue,
    event: JournalEvent,
    reason: str,
    base_url: str,
    formatting: TextFormatting,
    *,
    in_thread: bool,
) -> tuple[str, list[Block]]:
    """The first message about an issue names it (it starts the issue's DM thread);
    replies in that thread do not repeat it."""
    text, blocks = change_message(issue, event, base_url, formatting, in_thread=in_thread)
    said = _(reason)
    return f"{said}: {text}", [context(said), *blocks]
