"""A reply imported as a note follows its Slack message: edited there, edited here;
deleted there, emptied here (or marked, where Redmine keeps the journal for its changes).

Always as the reply's author, never as the admin. Where Redmine refuses (the note was
edited in Redmine meanwhile and the role may not edit it, or permissions changed), the
author is told: the two copies differ and nothing is silently lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.config import TextFormatting
from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError
from bot.store.models import ImportedReply
from bot.store.replies import ImportedReplyRepository
from bot.text import slack_to_redmine

# Written into Redmine in place of a deleted reply's note (a journal with changes stays).
DELETED_IN_SLACK = N_("(deleted in Slack)")
EDIT_REFUSED = N_(
    "Redmine did not let you edit your note on #{issue_id} (your role may not edit notes "
    "there any more). Your Slack message and the note now differ: change it in Redmine."
)
DELETION_REFUSED = N_(
    "Redmine did not let you delete your note on #{issue_id} (your role may not edit notes "
    "there any more). Your Slack message and the note now differ: delete it in Redmine."
)
EDIT_GONE = N_(
    "Your note on #{issue_id} no longer exists in Redmine, so your Slack edit was not "
    "copied there. Reply again in the thread to add it as a new note."
)
DELETION_GONE = N_(
    "Your note on #{issue_id} no longer exists in Redmine, so your Slack deletion was not "
    "copied there."
)


class Followed(StrEnum):
    edited = "edited"
    deleted = "deleted"  # Redmine dropped the journal
    marked = "marked"  # the journal had changes: its text now says it was deleted


@dataclass(frozen=True)
class ReplyChange:
    """A Slack edit (new text) or deletion (text None) of a message."""

    channel_id: str
    ts: str
    text: str | None
    names: Mapping[str, str] = field(default_factory=dict)


# How long an edit waits for its reply's import to finish: the note is written, then its
# journal is looked up and linked; an edit made in that window must not be dropped.
IMPORT_WAIT_SECONDS = 10.0


async def imported_reply(
    sessions: async_sessionmaker[AsyncSession],
    channel_id: str,
    ts: str,
    *,
    wait: float = IMPORT_WAIT_SECONDS,
) -> ImportedReply | None:
    """The note this Slack message became, when it became one we know the journal of.

    A reply still being imported (claimed, its journal not yet linked) is waited for up
    to `wait` seconds; one that was never imported, or whose import gave up, is None.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        async with sessions() as session:
            record = await ImportedReplyRepository(session).get(channel_id, ts)
        if record is None or record.journal_id is not None:
            return record
        if loop.time() >= deadline:
            return None
        await asyncio.sleep(0.2)


async def _has_details(redmine: Redmine, issue_id: int, journal_id: int) -> bool | None:
    """Whether the journal records field changes or files; None when it is gone."""
    issue = await redmine.issues.get(issue_id, include=("journals",))
    journal = next((j for j in issue.journals if j.id == journal_id), None)
    return None if journal is None else bool(journal.details)


async def follow_reply_change(
    change: ReplyChange,
    record: ImportedReply,
    *,
    redmine: Redmine,
    sessions: async_sessionmaker[AsyncSession],
    formatting: TextFormatting,
) -> Followed:
    """Apply the Slack change to the note, as its author (`redmine` acts as them)."""
    edit = change.text is not None
    gone = _(EDIT_GONE if edit else DELETION_GONE, issue_id=record.issue_id)
    journal_id = record.journal_id
    if journal_id is None:  # imported_reply() hands over linked replies only
        raise UserFacingError(gone)
    # Looked up first, edit or deletion: Redmine 5.0 and 6.0 destroy a journal whose notes
    # were emptied (an edit of it then answers 404), but 6.1 keeps it out of sight and a
    # PUT with notes brings it back (204), which would undo a deletion made in Redmine.
    details = await _has_details(redmine, record.issue_id, journal_id)
    if details is None:
        raise UserFacingError(gone)
    if change.text is not None:
        notes, outcome = (
            slack_to_redmine(change.text, formatting, names=change.names).strip(),
            Followed.edited,
        )
    else:
        notes, outcome = (
            (_(DELETED_IN_SLACK), Followed.marked) if details else ("", Followed.deleted)
        )
    try:
        await redmine.journals.update_notes(journal_id, notes)
    except ForbiddenError:
        refused = EDIT_REFUSED if edit else DELETION_REFUSED
        raise UserFacingError(_(refused, issue_id=record.issue_id)) from None
    except NotFoundError:
        raise UserFacingError(gone) from None
    async with sessions() as session:
        await ImportedReplyRepository(session).link(change.channel_id, change.ts, journal_id, notes)
        await session.commit()
    return outcome
