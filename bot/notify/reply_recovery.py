"""No reply lost: a reply claimed for import and never written is taken up again.

A Slack reply becomes a note in three steps (bot.actions.reply_to_note): claim it in the
database, write the note as its author, link the claim to the note's journal. A process
killed after the claim leaves it unlinked, and the event is never sent again (Slack got
its 200). The worker holding the notification lease sweeps such claims once they are
older than RECOVER_AFTER (a live import is done in seconds) and finishes each exactly
once: Redmine's journals are checked for the reply's marker (its author and the digest
of its notes) before anything is written again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.reply_to_note import SlackReply, finish_claim
from bot.config import TextFormatting
from bot.notify.deadlines import Deadlines
from bot.notify.failures import DeadlinePassed
from bot.people.identity import IdentityResolver, NotLinked
from bot.redmine.errors import RedmineError
from bot.slack.web.errors import error_code
from bot.store.models import ImportedReply, utcnow
from bot.store.replies import ImportedReplyRepository

log = logging.getLogger(__name__)

RECOVER_AFTER = timedelta(minutes=10)


class ReplyRecovery:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        identity: IdentityResolver,
        slack: AsyncWebClient,
        formatting: TextFormatting,
        deadlines: Deadlines | None = None,
        recover_after: timedelta = RECOVER_AFTER,
    ) -> None:
        self.sessions = sessions
        self.identity = identity
        self.slack = slack
        self.formatting = formatting
        self.deadlines = deadlines or Deadlines()
        self.recover_after = recover_after

    async def sweep(self) -> dict[str, int]:
        """Finish every unfinished claim old enough; how many were linked, written, released."""
        async with self.sessions() as session:
            claims = list(
                await ImportedReplyRepository(session).unfinished(utcnow() - self.recover_after)
            )
        done: dict[str, int] = {}
        for claim in claims:
            what = f"the unfinished import of {claim.channel_id}/{claim.message_ts}"
            try:
                outcome = await self.deadlines.run("redmine", what, self._finish(claim))
            except (RedmineError, NotLinked, SlackApiError, DeadlinePassed) as error:
                log.info("%s stays for the next sweep: %s", what, error)
                continue
            log.info("%s: %s", what, outcome)
            done[outcome] = done.get(outcome, 0) + 1
        return done

    async def _finish(self, claim: ImportedReply) -> str:
        identity = await self.identity.resolve(claim.slack_user_id)
        return await finish_claim(
            claim,
            await self._reply(claim),
            identity=identity,
            redmine=self.identity.redmine_for(identity),
            sessions=self.sessions,
            formatting=self.formatting,
        )

    async def _reply(self, claim: ImportedReply) -> SlackReply | None:
        """The claimed message as Slack has it now, None when it is gone. conversations.replies
        takes the ts of any message in a thread (docs.slack.dev/reference/methods/
        conversations.replies, argument ts) and answers the parent, then the replies."""
        try:
            answer = await self.slack.conversations_replies(
                channel=claim.channel_id,
                ts=claim.message_ts,
                oldest=claim.message_ts,
                inclusive=True,
                limit=2,
            )
        except SlackApiError as error:
            if error_code(error) in {"thread_not_found", "message_not_found"}:
                return None
            raise
        messages: list[Any] = answer.get("messages") or []
        for message in messages:
            if isinstance(message, dict) and message.get("ts") == claim.message_ts:
                return SlackReply(
                    channel_id=claim.channel_id,
                    thread_ts=str(message.get("thread_ts") or ""),
                    ts=claim.message_ts,
                    slack_user_id=claim.slack_user_id,
                    text=str(message.get("text") or ""),
                )
        return None
