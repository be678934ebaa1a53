"""Link a Slack thread to an existing issue (the `connect_thread` shortcut), or unlink it.

Linking copies the chosen messages into one note, with authors and times as
create-from-message writes them, as the person who links; from then on the thread's
replies become notes (bot.actions.reply_to_note). The note, and every reply after it,
is private when the Slack channel is private, the channel takes private notes
(`private:on`), or the issue is private: never more visible than where it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.blocks.thread_link import ISSUE_ACTION, ISSUE_BLOCK, MESSAGES_ACTION, MESSAGES_BLOCK
from bot.i18n import N_, _
from bot.inputs.grammar import ISSUE_ID
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError
from bot.redmine.models import MAX_ID
from bot.slack.messages import ThreadMessage
from bot.store.replies import ImportedReplyRepository
from bot.store.repositories import SubscriptionRepository

NOT_AN_ISSUE = N_("Type the issue's number, like 42 or #42.")
CANNOT_SEE = N_(
    "You can't see #{issue_id} in Redmine (it does not exist, or its project is closed to "
    "you), so the thread was not linked. Check the number and try again."
)
CANNOT_NOTE = N_(
    "Redmine did not let you add a note to #{issue_id}, so the thread was not linked. "
    "Ask a project manager for a role that may add notes."
)


# The chosen messages as one note, authors and times included: create-from-message's
# render_thread (bot/domain/message_text.py), handed in by the listener, which holds the names
# Slack gave for the authors and the Redmine text formatting.
RenderThread = Callable[[Sequence[ThreadMessage]], str]


@dataclass(frozen=True)
class LinkThreadForm:
    issue_id: int
    chosen_ts: frozenset[str]

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> LinkThreadForm | dict[str, str]:
        """The form, or {block_id: what is wrong} for `response_action=errors`."""
        typed = str(((values.get(ISSUE_BLOCK) or {}).get(ISSUE_ACTION) or {}).get("value") or "")
        match = ISSUE_ID.match(typed.strip())
        issue_id = int(match.group(1)) if match else 0
        if not 0 < issue_id <= MAX_ID:
            return {ISSUE_BLOCK: _(NOT_AN_ISSUE)}
        chosen: set[str] = set()
        for block_id, actions in values.items():
            if not block_id.startswith(MESSAGES_BLOCK) or not isinstance(actions, dict):
                continue
            state = actions.get(MESSAGES_ACTION) or {}
            for picked in state.get("selected_options") or []:
                if isinstance(picked, dict) and picked.get("value"):
                    chosen.add(str(picked["value"]))
        return cls(issue_id, frozenset(chosen))


@dataclass(frozen=True)
class ThreadLinked:
    issue_id: int
    subject: str
    private: bool
    copied: int  # messages copied into the note


async def channel_takes_private_notes(
    sessions: async_sessionmaker[AsyncSession], channel_id: str
) -> bool:
    async with sessions() as session:
        return any(s.private for s in await SubscriptionRepository(session).for_channel(channel_id))


async def link_thread(
    form: LinkThreadForm,
    *,
    channel_id: str,
    thread_ts: str,
    slack_user_id: str,
    private_channel: bool,
    messages: Sequence[ThreadMessage],
    render_note: RenderThread,
    redmine: Redmine,
    sessions: async_sessionmaker[AsyncSession],
) -> ThreadLinked:
    """Copy the chosen messages into one note as the person, then link the thread."""
    try:
        issue = await redmine.issues.get(form.issue_id)  # as the person: may they see it?
    except (ForbiddenError, NotFoundError):
        raise UserFacingError(_(CANNOT_SEE, issue_id=form.issue_id)) from None
    private = (
        private_channel
        or bool(issue.is_private)
        or await channel_takes_private_notes(sessions, channel_id)
    )
    chosen = [m for m in messages if m.ts in form.chosen_ts]
    if chosen:
        note = render_note(chosen)
        try:
            await redmine.issues.add_note(form.issue_id, note, private=private)
        except ForbiddenError:
            raise UserFacingError(_(CANNOT_NOTE, issue_id=form.issue_id)) from None
    async with sessions() as session:
        await ImportedReplyRepository(session).link_thread(
            channel_id, thread_ts, form.issue_id, private=private, by=slack_user_id
        )
        await session.commit()
    return ThreadLinked(form.issue_id, issue.subject, private, len(chosen))


async def unlink_thread(
    sessions: async_sessionmaker[AsyncSession], channel_id: str, thread_ts: str
) -> int | None:
    """Unlink; the issue it was linked to, or None when it was not linked."""
    async with sessions() as session:
        replies = ImportedReplyRepository(session)
        link = await replies.linked(channel_id, thread_ts)
        if link is None:
            return None
        await replies.unlink_thread(channel_id, thread_ts)
        await session.commit()
    return link.issue_id
