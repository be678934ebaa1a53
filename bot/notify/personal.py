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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.personal import REASONS, personal_change_message, personal_new_issue_message
from bot.config import Settings
from bot.domain.journal_event import JournalEvent
from bot.i18n import Translator, translator_for, using
from bot.notify.deadlines import Deadlines
from bot.notify.delivery import ChannelUnavailable, DeliveryFailed, SlackDelivery
from bot.notify.events import Names, journal_event
from bot.people.recipients import Recipient, RecipientDirectory
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import (
    AuthenticationError,
    ForbiddenError,
    ImpersonationError,
    NotFoundError,
)
from bot.redmine.models import Issue, Journal
from bot.slack.web.errors import error_code
from bot.store.pending import PendingPostRepository
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


@dataclass(frozen=True)
class Outgoing:
    """One DM ready to send: to whom, about which issue and journal (key), and why."""

    slack_user: str
    issue: Issue
    key: int
    reason: str
    event: JournalEvent | None  # None: the issue's creation


def _present(user_id: int | None) -> set[int]:
    return set() if user_id is None else {user_id}


def plan(
    issue: Issue, journals: Sequence[Journal], mentioned: dict[int, set[int]]
) -> dict[int, list[Tell]]:
    """Redmine user id -> what to tell them about these journals (pure: no I/O).

    `mentioned` maps a journal id to the users its note mentions.
    """
    author = issue.author.id if issue.author else None
    watchers = {w.id for w in issue.watchers}
    assigned_before = _assignee_before_each(issue)
    told: dict[int, list[Tell]] = {}
    for journal in sorted(journals, key=lambda j: j.id):
        by = journal.user.id if journal.user else None
        assigning = [
            d for d in journal.details if d.property == "attr" and d.name == "assigned_to_id"
        ]
        newly_assigned = _ids([d.new_value for d in assigning])
        # Who was assigned when the change was made, and who it assigns, are concerned.
        assignees = _present(assigned_before.get(journal.id)) | newly_assigned
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


def _assignee_before_each(issue: Issue) -> dict[int, int | None]:
    """Journal id -> who was assigned just before that journal, from all the journals."""
    current = assignee_at_creation(issue)
    before: dict[int, int | None] = {}
    for journal in sorted(issue.journals, key=lambda j: j.id):
        before[journal.id] = current
        for d in journal.details:
            if d.property == "attr" and d.name == "assigned_to_id":
                current = int(d.new_value) if d.new_value and d.new_value.isdigit() else None
    return before


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
        deadlines: Deadlines | None = None,
        on_progress: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_progress = on_progress  # a DM went out (the watchdog's sign of life)
        self.deadlines = deadlines or Deadlines()
        self.redmine = redmine  # the admin view: only to act as each recipient in turn
        self.slack = slack
        self.sessions = sessions
        self.delivery = delivery
        self.directory = directory or RecipientDirectory(
            redmine=redmine, slack=slack, sessions=sessions
        )
        self._dm_channels = TTLCache(24 * 3600)
        self._locales = TTLCache(24 * 3600)  # each recipient's Slack locale, or ""

    async def deliver(self, issue: Issue, names: Names, *, since: datetime) -> int:
        """`prepare` then `send` at once (the webhook path); messages posted."""
        posted, failed = await self.send(await self.prepare(issue, names, since=since))
        if failed:
            raise DeliveryFailed(f"DMs about #{issue.id} not all delivered")
        return posted

    async def prepare(self, issue: Issue, names: Names, *, since: datetime) -> list[Outgoing]:
        """What to tell whom about what is new on `issue` since `since`, checked against
        each person's settings, what they were already told, and what their own Redmine
        account may read. Nothing is sent: the poller sends a whole cycle's DMs together,
        so every conversation goes at Slack's pace at once (see `send`).

        Raises a RedmineError when Redmine could not say (the issue is retried)."""
        journals = [j for j in issue.journals if j.created_on is None or j.created_on >= since]
        mentioned = {j.id: await self.directory.mentioned_in(j.notes) for j in journals if j.notes}
        told = plan(issue, journals, mentioned)
        created = issue.created_on is not None and issue.created_on >= since
        assignee = assignee_at_creation(issue)
        author = issue.author.id if issue.author else None
        if created and assignee is not None and assignee != author:
            creation = Tell(-issue.id, ("assigned",), "assignee", None)
            told.setdefault(assignee, []).insert(0, creation)
        prepared = await asyncio.gather(
            *(self._prepare_for(person, tells, issue, names) for person, tells in told.items())
        )
        return [item for items in prepared for item in items]

    async def _prepare_for(
        self, person: int, tells: list[Tell], issue: Issue, names: Names
    ) -> list[Outgoing]:
        recipient = await self.directory.recipient(person)
        if recipient is None:
            return []
        slack_user = recipient.slack_user_id
        async with self.sessions() as session:
            repo = PersonalRepository(session)
            preferences = await repo.preferences(slack_user)
            wanted = [(t, why) for t in tells if (why := reason(t, preferences))]
            done = await repo.delivered(slack_user, [t.key for t, _why in wanted])
        pending = [(t, why) for t, why in wanted if t.key not in done]
        if not pending:
            return []
        visible = await self._visible_journals(recipient, issue.id)
        hidden = [
            t.key
            for t, _why in pending
            if visible is None or (t.journal is not None and t.journal.id not in visible)
        ]
        if hidden:  # never told, and never asked about again
            await self._record(slack_user, issue.id, hidden)
        # The change lines are worded now: in the recipient's language.
        with using(await self._translator(slack_user)):
            return self._outgoing(slack_user, issue, pending, hidden, names)

    def _outgoing(
        self,
        slack_user: str,
        issue: Issue,
        pending: list[tuple[Tell, str]],
        hidden: list[int],
        names: Names,
    ) -> list[Outgoing]:
        return [
            Outgoing(
                slack_user,
                issue,
                tell.key,
                why,
                journal_event(tell.journal, names) if tell.journal else None,
            )
            for tell, why in pending
            if tell.key not in hidden
        ]

    def outbox(self) -> DMOutbox:
        """A cycle's DMs: each person's go out as soon as they are prepared, in order,
        at Slack's pace, while the other issues are still being read."""
        return DMOutbox(self)

    async def send(self, outgoing: Sequence[Outgoing]) -> tuple[int, set[int]]:
        """Post prepared DMs; the messages posted and the issues whose DMs did not all go
        out (recorded ones are never sent again; the rest wait for the next try)."""
        outbox = self.outbox()
        outbox.add(outgoing)
        return await outbox.close()

    async def drain(
        self, slack_user: str, queue: asyncio.Queue[Outgoing | None]
    ) -> tuple[int, set[int]]:
        """One person's DMs, one at a time (SlackDelivery paces the conversation)."""
        posted, failed, gone = 0, set[int](), False
        threads: dict[int, str | None] = {}
        channel = ""
        while (item := await queue.get()) is not None:
            if gone:
                await self._record(slack_user, item.issue.id, [item.key])
                continue
            if failed:  # keep the order: after a failure, the rest waits for the retry
                failed.add(item.issue.id)
                continue
            try:
                channel = channel or await self._dm_channel(slack_user)
                await self._post(slack_user, channel, item, threads)
                posted += 1
            except ChannelUnavailable as error:
                # A person Slack will not let us write to (deactivated, hidden): nothing
                # a retry would change, so what is left is recorded as told.
                log.info("no DM to %s: %s", slack_user, error.error)
                gone = True
                await self._record(slack_user, item.issue.id, [item.key])
            except DeliveryFailed as error:
                log.info("DMs to %s stop here, retried next cycle: %s", slack_user, error)
                failed.add(item.issue.id)
        return posted, failed

    async def _post(
        self, slack_user: str, channel: str, item: Outgoing, threads: dict[int, str | None]
    ) -> None:
        issue = item.issue
        if issue.id not in threads:
            async with self.sessions() as session:
                known = await PersonalRepository(session).thread(slack_user, issue.id)
            threads[issue.id] = known.thread_ts if known else None
        thread_ts = threads[issue.id]
        base_url = self.settings.redmine_base_url
        formatting = self.settings.redmine_text_formatting
        with using(await self._translator(slack_user)):
            if item.event is None:
                text, blocks = personal_new_issue_message(issue, item.reason, base_url, formatting)
            else:
                text, blocks = personal_change_message(
                    issue,
                    item.event,
                    item.reason,
                    base_url,
                    formatting,
                    in_thread=thread_ts is not None,
                )
        key = f"dm.{item.key}.{issue.id}.{slack_user}"
        message = await self.delivery.post(channel, text, blocks, thread_ts=thread_ts, key=key)
        if self.on_progress is not None:
            self.on_progress()
        async with self.sessions() as session:
            repo = PersonalRepository(session)
            if thread_ts is None:
                threads[issue.id] = message.ts
                await repo.set_thread(slack_user, issue.id, channel, message.ts)
            await repo.record_delivered(slack_user, issue.id, [item.key])
            await PendingPostRepository(session).done(key)
            await session.commit()

    async def _visible_journals(self, recipient: Recipient, issue_id: int) -> set[int] | None:
        """The journal ids of the issue that the recipient's own account may read; None
        when it may not read the issue at all."""
        try:
            mine = await self.deadlines.run(
                "redmine",
                f"Redmine's issue #{issue_id} as a DM's reader",
                self.redmine.as_user(recipient.login).issues.get(issue_id, include=("journals",)),
            )
        except NOT_VISIBLE:
            return None
        return {j.id for j in mine.journals}

    async def _translator(self, slack_user: str) -> Translator:
        """The recipient's language: their Slack locale (users.info with `include_locale`,
        slackapi/slack-api-specs web-api/slack_web_openapi_v2.json), else DEFAULT_LOCALE.
        A Slack error only means the default: a DM is never held back for its language."""

        async def read() -> str:
            try:
                answer = await self.slack.users_info(user=slack_user, include_locale=True)
            except SlackApiError as error:
                log.info("users.info for a DM's language failed: %s", error.response.get("error"))
                return ""
            return str((answer.get("user") or {}).get("locale") or "")

        locale: str = await self._locales.get_or_load(slack_user, read)
        return translator_for(locale or None, self.settings.default_locale)

    async def _dm_channel(self, slack_user: str) -> str:
        async def open_dm() -> str:
            try:
                answer = await self.deadlines.run(
                    "slack",
                    "Slack's conversations.open",
                    self.slack.conversations_open(users=slack_user),
                )
            except SlackApiError as error:
                code = error_code(error)
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


class DMOutbox:
    """Per person, a queue of prepared DMs and a task that sends them; `close` waits."""

    def __init__(self, notifier: PersonalNotifier) -> None:
        self._notifier = notifier
        self._queues: dict[str, asyncio.Queue[Outgoing | None]] = {}
        self._senders: list[asyncio.Task[tuple[int, set[int]]]] = []

    def add(self, items: Sequence[Outgoing]) -> None:
        for item in items:
            queue = self._queues.get(item.slack_user)
            if queue is None:
                queue = self._queues[item.slack_user] = asyncio.Queue()
                self._senders.append(
                    asyncio.create_task(self._notifier.drain(item.slack_user, queue))
                )
            queue.put_nowait(item)

    def abort(self) -> None:
        """The cycle was cancelled: stop sending (what was sent is recorded)."""
        for sender in self._senders:
            sender.cancel()

    async def close(self) -> tuple[int, set[int]]:
        """Wait until every queued DM was sent or given up; (posted, undelivered issues)."""
        for queue in self._queues.values():
            queue.put_nowait(None)
        outcomes = await asyncio.gather(*self._senders)
        return sum(n for n, _failed in outcomes), {i for _n, failed in outcomes for i in failed}
