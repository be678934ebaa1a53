"""Personal notifications: the poller's changes told to each person concerned, in a DM.

For each changed issue (read by the poller with the admin key, journals and watchers
included) this decides who is concerned by each new journal:

- `assigned`: the journal assigns the issue to them (or the issue was created so);
- `mentions`: its note has their `@login` or full name;
- `status`: it changes the status of an issue they are assigned to or reported;
- `involved`: any note or change on an issue they are assigned to, reported or watch.

Never about a person's own change. Before telling anyone, the issue is read again AS
THAT PERSON (impersonation): a journal their Redmine account cannot see (a private note,
a private issue, a project they are not in) is never told. Each (person, journal) is
recorded once told, like the channels' delivered journals, so a restart or a second
replica never tells it twice; the first message about an issue starts a thread in the
DM and later ones reply in it. The poller's lease already makes one worker the teller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.personal import REASONS, personal_change_message, personal_new_issue_message
from bot.config import Settings
from bot.notify.delivery import ChannelUnavailable, DeliveryFailed, SlackDelivery
from bot.notify.events import Names, journal_event
from bot.notify.recipients import Recipient, RecipientDirectory
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import (
    AuthenticationError,
    ForbiddenError,
    ImpersonationError,
    NotFoundError,
)
from bot.redmine.models import Issue, Journal
from bot.store.personal import PersonalRepository, Preferences

log = logging.getLogger(__name__)

# Which reason a message gives when several apply: the most specific first.
KIND_ORDER = ("assigned", "mentions", "status", "involved")
# The Redmine answers that mean "this person may not see it" (not "try again later").
NOT_VISIBLE = (ForbiddenError, NotFoundError, ImpersonationError, AuthenticationError)


@dataclass(frozen=True)
class Tell:
    """One thing to tell one person: a journal, or the issue's creation (key -issue id)."""

    key: int
    kinds: tuple[str, ...]
    involvement: str  # assignee | author | watcher | "" (words for "involved")
    journal: Journal | None


def _ids(values: Sequence[str | None]) -> set[int]:
    return {int(v) for v in values if v and v.isdigit()}


def _present(user_id: int | None) -> set[int]:
    return set() if user_id is None else {user_id}


def plan(
    issue: Issue, journals: Sequence[Journal], mentioned: dict[int, set[int]]
) -> dict[int, list[Tell]]:
    """Redmine user id -> what to tell them about these journals (pure: no I/O).

    `mentioned` maps a journal id to the users its note mentions.
    """
    assignee = issue.assigned_to.id if issue.assigned_to else None
    author = issue.author.id if issue.author else None
    watchers = {w.id for w in issue.watchers}
    told: dict[int, list[Tell]] = {}
    for journal in sorted(journals, key=lambda j: j.id):
        by = journal.user.id if journal.user else None
        assigning = [
            d for d in journal.details if d.property == "attr" and d.name == "assigned_to_id"
        ]
        newly_assigned = _ids([d.new_value for d in assigning])
        # Whoever was assigned when the change was made is concerned by it too.
        assignees = _present(assignee) | _ids([d.old_value for d in assigning]) | newly_assigned
        status_changed = any(
            d.property == "attr" and d.name == "status_id" for d in journal.details
        )
        says_something = bool(journal.notes or journal.details)
        notes_mention = mentioned.get(journal.id, set())
        for person in assignees | watchers | notes_mention | _present(author):
            if person == by:
                continue  # never about one's own change
            kinds = []
            if person in newly_assigned:
                kinds.append("assigned")
            if person in notes_mention:
                kinds.append("mentions")
            if status_changed and (person in assignees or person == author):
                kinds.append("status")
            involvement = (
                "assignee"
                if person in assignees
                else "author"
                if person == author
                else "watcher"
                if person in watchers
                else ""
            )
            if involvement and says_something:
                kinds.append("involved")
            if kinds:
                told.setdefault(person, []).append(
                    Tell(journal.id, tuple(kinds), involvement, journal)
                )
    return told


def assignee_at_creation(issue: Issue) -> int | None:
    """Who the issue was assigned to when created: the old value of its first reassignment,
    else whoever is assigned now (journals are all there: the poller reads them all)."""
    for journal in sorted(issue.journals, key=lambda j: j.id):
        for d in journal.details:
            if d.property == "attr" and d.name == "assigned_to_id":
                return int(d.old_value) if d.old_value and d.old_value.isdigit() else None
    return issue.assigned_to.id if issue.assigned_to else None


def reason(tell: Tell, preferences: Preferences) -> str | None:
    """Why this person is told, by their first wanted kind; None when they want none."""
    for kind in KIND_ORDER:
        if kind in tell.kinds and preferences.wants(kind):
            return REASONS[tell.involvement] if kind == "involved" else REASONS[kind]
    return None


class PersonalNotifier:
    def __init__(
        self,
        *,
        settings: Settings,
        redmine: Redmine,
        slack: AsyncWebClient,
        sessions: async_sessionmaker[AsyncSession],
        delivery: SlackDelivery,
        directory: RecipientDirectory | None = None,
    ) -> None:
        self.settings = settings
        self.redmine = redmine  # the admin view: only to act as each recipient in turn
        self.slack = slack
        self.sessions = sessions
        self.delivery = delivery
        self.directory = directory or RecipientDirectory(
            redmine=redmine, slack=slack, sessions=sessions
        )
        self._dm_channels = TTLCache(24 * 3600)

    async def deliver(self, issue: Issue, names: Names, *, since: datetime) -> int:
        """Tell everyone concerned what is new on `issue` since `since`; messages posted.

        Raises DeliveryFailed or RedmineError when something must be tried again (what
        was told is recorded, so the retry tells only the rest).
        """
        journals = [j for j in issue.journals if j.created_on is None or j.created_on >= since]
        mentioned = {j.id: await self.directory.mentioned_in(j.notes) for j in journals if j.notes}
        told = plan(issue, journals, mentioned)
        created = issue.created_on is not None and issue.created_on >= since
        assignee = assignee_at_creation(issue)
        author = issue.author.id if issue.author else None
        if created and assignee is not None and assignee != author:
            creation = Tell(-issue.id, ("assigned",), "assignee", None)
            told.setdefault(assignee, []).insert(0, creation)
        if not told:
            return 0
        outcomes = await asyncio.gather(
            *(self._tell(person, tells, issue, names) for person, tells in told.items()),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome  # the others were told and recorded; this one is retried
        return sum(o for o in outcomes if isinstance(o, int))

    async def _tell(self, person: int, tells: list[Tell], issue: Issue, names: Names) -> int:
        recipient = await self.directory.recipient(person)
        if recipient is None:
            return 0
        slack_user = recipient.slack_user_id
        async with self.sessions() as session:
            repo = PersonalRepository(session)
            preferences = await repo.preferences(slack_user)
            wanted = [(t, why) for t in tells if (why := reason(t, preferences))]
            done = await repo.delivered(slack_user, [t.key for t, _ in wanted])
            thread = await repo.thread(slack_user, issue.id)
        pending = [(t, why) for t, why in wanted if t.key not in done]
        if not pending:
            return 0
        visible = await self._visible_journals(recipient, issue.id)
        if visible is None:  # the issue itself is hidden from them
            await self._record(slack_user, issue.id, [t.key for t, _ in pending])
            return 0
        hidden = [
            t.key for t, _ in pending if t.journal is not None and t.journal.id not in visible
        ]
        if hidden:
            await self._record(slack_user, issue.id, hidden)
        channel, thread_ts = (thread.channel_id, thread.thread_ts) if thread else ("", None)
        posted = 0
        try:
            if not channel:
                channel = await self._dm_channel(slack_user)
            for tell, why in pending:
                if tell.key in hidden:
                    continue
                base_url = self.settings.redmine_base_url
                formatting = self.settings.redmine_text_formatting
                if tell.journal is None:
                    text, blocks = personal_new_issue_message(issue, why, base_url, formatting)
                else:
                    text, blocks = personal_change_message(
                        issue,
                        journal_event(tell.journal, names),
                        why,
                        base_url,
                        formatting,
                        in_thread=thread_ts is not None,
                    )
                message = await self.delivery.post(channel, text, blocks, thread_ts=thread_ts)
                posted += 1
                async with self.sessions() as session:
                    repo = PersonalRepository(session)
                    if thread_ts is None:
                        thread_ts = message.ts
                        await repo.set_thread(slack_user, issue.id, channel, thread_ts)
                    await repo.record_delivered(slack_user, issue.id, [tell.key])
                    await session.commit()
        except ChannelUnavailable as error:
            # A person Slack will not let us write to (deactivated, DMs with apps off):
            # nothing to retry.
            log.info("no DM to %s: %s", slack_user, error.error)
            await self._record(slack_user, issue.id, [t.key for t, _ in pending])
        return posted

    async def _visible_journals(self, recipient: Recipient, issue_id: int) -> set[int] | None:
        """The journal ids of the issue that the recipient's own account may read; None
        when it may not read the issue at all."""
        try:
            mine = await self.redmine.as_user(recipient.login).issues.get(
                issue_id, include=("journals",)
            )
        except NOT_VISIBLE:
            return None
        return {j.id for j in mine.journals}

    async def _dm_channel(self, slack_user: str) -> str:
        async def open_dm() -> str:
            try:
                answer = await self.slack.conversations_open(users=slack_user)
            except SlackApiError as error:
                code = str(error.response.get("error", ""))
                # api.slack.com/methods/conversations.open, Errors: the person is gone
                # or hidden from the bot; nothing a retry would change.
                if code in {"user_not_found", "user_disabled", "user_not_visible"}:
                    raise ChannelUnavailable(slack_user, code) from None
                raise DeliveryFailed(f"conversations.open: {code}") from None
            return str((answer.get("channel") or {}).get("id") or "")

        channel: str = await self._dm_channels.get_or_load(slack_user, open_dm)
        return channel

    async def _record(self, slack_user: str, issue_id: int, keys: list[int]) -> None:
        async with self.sessions() as session:
            await PersonalRepository(session).record_delivered(slack_user, issue_id, keys)
            await session.commit()
