"""A Slack message becomes a note on an issue the person already checked they can see.

The write is `bot.actions.add_note.add_note`, the same one `/redmine note` uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.add_note import add_note
from bot.actions.issue_target import Target
from bot.config import TextFormatting
from bot.domain.message_text import permalink_line
from bot.inputs.forms import NoteForm
from bot.redmine.models import Issue


@dataclass(frozen=True)
class NoteAdded:
    issue: Issue
    private: bool  # the note or the issue is private: only the person may hear of it


async def add_message_note(
    target: Target, form: NoteForm, permalink: str | None, formatting: TextFormatting
) -> NoteAdded:
    """`permalink` is the message's link when the form could not be prefilled with it."""
    note = form.note
    if permalink and not form.context.permalink:
        note = f"{note}\n\n{permalink_line(permalink, formatting)}"
    await add_note(target.redmine, target.issue.id, note, private=form.private)
    return NoteAdded(target.issue, form.private or target.issue.is_private)
