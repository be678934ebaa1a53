"""The poller: Redmine changes -> events -> Slack messages, each delivered exactly once.

One cycle makes ONE list request for all subscriptions together
(`GET /issues.json?status_id=*&updated_on=>=<cursor - overlap>&sort=updated_on`, paged),
then one `GET /issues/:id.json?include=journals,attachments` per changed issue. Journals
are de-duplicated by id per channel in the store; a journal is recorded as delivered only
after Slack accepted its message, and the cursor never moves past an issue whose
messages did not all go out. The webhook intake feeds issue ids into the same pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.blocks.notifications import change_message, new_issue_message
from bot.config import Settings
from bot.domain.journal_event import JournalEvent
from bot.i18n import N_, Translator, _, translator_for, using
from bot.metrics import Metrics
from bot.notify.deadlines import Deadlines
from bot.notify.delivery import ChannelUnavailable, DeadlinePassed, DeliveryFailed, SlackDelivery
from bot.notify.events import is_closing, journal_event, tracker_matches
from bot.notify.health import STALL_INTERVALS, NotifierHealth
from bot.notify.lease import NotifyLeaseHolder
from bot.notify.names import RedmineNames
from bot.notify.once import PendingPosts
from bot.notify.personal import DMOutbox, PersonalNotifier
from bot.notify.query_matches import QueryMatcher
from bot.notify.reply_recovery import ReplyRecovery
from bot.notify.watchdog import Overran, watched
from bot.notify.webhook_queue import WebhookQueue
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.redmine.errors import RedmineError, RedmineUnavailable
from bot.redmine.issues import date_filter
from bot.redmine.models import Issue, Journal
from bot.slack.web.errors import error_code
from bot.slack.web.pace import SlackRateLimits
from bot.slack.web.reads import USER_TTL, SlackReads
from bot.store.models import Subscription
from bot.store.pending import PendingPostRepository
from bot.store.replies import ImportedReplyRepository, JournalSeen
from bot.store.repositories import DeliveryRepository, PollerStateRepository, SubscriptionRepository

log = logging.getLogger(__name__)

T = TypeVar("T")

# updated_on has one-second precision and several changes can share a second, and the
# service's clock may differ from Redmine's: every window reaches back this far.
OVERLAP = timedelta(seconds=60)
FETCH_CONCURRENCY = 8
# How long webhook work waits for another worker's cycle before leaving the issue to it
# (it is in that worker's next listing anyway).
WEBHOOK_LEASE_WAIT = 10.0
# Without a Date header from Redmine, how far our clock may run ahead of Redmine's.
CLOCK_ALLOWANCE = timedelta(seconds=5)

# Told to the subscription's creator in a DM, in their own language.
PAUSED_NOTICE = N_(
    "I paused the Redmine subscription to *{project}* in <#{channel}>: Slack says `{error}`. "
    "Invite me to the channel (or unarchive it), then run `/redmine subscribe {identifier}` there again."
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class CycleReport:
    listed: int = 0
    fetched: int = 0
    posted: int = 0
    failed_issues: list[int] = field(default_factory=list)
    skipped: bool = False  # another worker held the notification lease


class Poller:
    def __init__(
        self,
        *,
        settings: Settings,
        redmine: Redmine,
        slack: AsyncWebClient,
        sessions: async_sessionmaker[AsyncSession],
        queue: WebhookQueue,
        slack_limits: SlackRateLimits,
        pace: float = 1.0,
        concurrency: int = FETCH_CONCURRENCY,
        since: datetime | None = None,
        clock: Callable[[], datetime] = utcnow,
        delivery: SlackDelivery | None = None,
        lease: NotifyLeaseHolder | None = None,
        metrics: Metrics | None = None,
        personal: PersonalNotifier | None = None,
        query_matcher: QueryMatcher | None = None,
        health: NotifierHealth | None = None,
        deadlines: Deadlines | None = None,
        reply_recovery: ReplyRecovery | None = None,
        slack_users: TTLCache | None = None,
    ) -> None:
        self.settings = settings
        self.redmine = redmine  # admin view: it must see everything to filter it
        self.slack = slack
        self.sessions = sessions
        self.metrics = metrics or Metrics()
        self.deadlines = deadlines or Deadlines(self.metrics)
        self.slack_limits = slack_limits
        self.health = health or NotifierHealth()
        self.delivery = delivery or SlackDelivery(
            slack,
            pace=pace,
            limits=slack_limits,
            metrics=self.metrics,
            deadlines=self.deadlines,
            pending=PendingPosts(sessions, slack, deadlines=self.deadlines, metrics=self.metrics),
            on_answer=self.health.progressed,
        )
        self.names = RedmineNames(self.redmine)
        self.concurrency = concurrency
        self.since = since
        self.clock = clock
        self.queue = queue
        self.lease = lease or NotifyLeaseHolder(sessions, deadlines=self.deadlines)
        self._lease_users = 0
        # Taking and giving back the shared hold is one step at a time: a cycle and a
        # scheduler tick (another task) must not both start or stop the heartbeat.
        self._hold_turn = asyncio.Lock()
        self._work_started = time.monotonic()
        self._heartbeat: asyncio.Task[None] | None = None
        self._issue_locks: dict[int, asyncio.Lock] = {}
        # Issue id -> (updated_on, when Redmine served our fetch, by Redmine's own clock).
        # The overlap re-lists recent issues and a quiet cycle must not fetch them again
        # (an idle cycle is one request); but updated_on has whole seconds, so only a
        # fetch served in a later second proves no change of that second was missed.
        self._seen: dict[int, tuple[datetime, datetime]] = {}
        self._mentions = TTLCache(3600)
        # users.info answers (Services.slack_users when shared): a DM's reader's language.
        self._slack_users = slack_users if slack_users is not None else TTLCache(USER_TTL)
        self._failing = False
        # Personal DMs (bot.notify.personal): every changed issue may concern someone,
        # subscribed or not; journals are told from the start of the cycle's window.
        self.personal = personal
        self._window_start: datetime | None = None
        self._outbox: DMOutbox | None = None  # the running cycle's, else None: send at once
        # Saved-query subscriptions, evaluated by Redmine as their subscribers.
        self.query_matcher = query_matcher
        # Replies claimed for import and never written (a kill): finished by the lease holder.
        self.reply_recovery = reply_recovery

    # -- running ---------------------------------------------------------------------

    async def run_forever(self) -> None:
        interval = self.settings.poll_interval
        self.health.watching(self.stall_bound)
        try:
            while True:
                report = await self.guarded(self.run_cycle_logged(), "the poll cycle")
                # While another worker holds the lease, look again soon: if it died, its
                # lease runs out within LEASE_TTL and this worker takes over then, not a
                # whole poll interval later.
                skipped = report is not None and report.skipped
                wait = min(interval, self.lease.ttl.total_seconds() / 3) if skipped else interval
                issue_id = await self.queue.get_within(wait)
                if issue_id is None:
                    continue
                await self.guarded(self.process_queued(issue_id), f"webhook work on #{issue_id}")
                # Drain what else the webhook queued, then carry on with the schedule.
                for waiting in self.queue.take_waiting():
                    await self.guarded(self.process_queued(waiting), f"webhook work on #{waiting}")
        finally:
            self.health.stopped()

    def stall_bound(self) -> float:
        """How long a cycle may go without moving: a few poll intervals, and always longer
        than the longest Retry-After Slack asked for while it ran, waited out twice back to
        back (slack_sdk's one retry inside the call, then delivery's next attempt) with no
        answer between them. Every answer from Slack, a 429 too, counts as moving."""
        interval = self.settings.poll_interval
        waited = self.slack_limits.longest_since(self._work_started)
        return max(STALL_INTERVALS * interval, 2 * waited + interval)

    async def guarded(self, work: Coroutine[Any, Any, T], what: str) -> T | None:
        """Run `work` under the watchdog: past `stall_bound()` it is cancelled and logged,
        and None is returned; what it left undone is taken up again from the cursor."""
        self._work_started = time.monotonic()
        try:
            return await watched(work, what, self.stall_bound, progress=self.health.last_progress)
        except Overran as error:
            log.warning("%s; the next cycle starts again from the cursor", error)
            self.metrics.poll_cycles_cancelled.inc()
            return None

    async def consume_queue(self) -> None:
        """Webhook work only (for `redmine-slack web` when the poller runs elsewhere)."""
        while True:
            await self.process_queued(await self.queue.get())

    async def run_cycle_logged(self) -> CycleReport | None:
        """One cycle; whatever fails in it is logged (once while it keeps failing) and the
        loop goes on: an error no one expected must not end the notifier unseen."""
        try:
            report = await self.run_cycle()
        except (RedmineError, DeliveryFailed) as error:
            if not self._failing:  # say it once, not every cycle while Redmine is down
                log.warning("notification cycle failed, will catch up next time: %s", error)
            self._failing = True
            return None
        except Exception:
            if not self._failing:
                log.exception("notification cycle failed unexpectedly; trying again next time")
            self._failing = True
            return None
        if self._failing:
            log.info("notification cycle works again")
        self._failing = False
        return report

    def exclusive(self) -> AbstractAsyncContextManager[bool]:
        """This worker's hold on the notification lease, for other work that must run
        where notifications are delivered (bot.notify.scheduler's sends)."""
        return self._exclusive()

    @asynccontextmanager
    async def _exclusive(self, wait: float = 0.0) -> AsyncIterator[bool]:
        """Hold the notification lease for this work; yields False if another worker has it.

        A cycle and webhook work in this process share one hold (per-issue locks keep
        them apart here); the lease goes back when the last of them is done.
        """
        async with self._hold_turn:
            held = self._lease_users > 0 or await self.lease.wait_for(wait)
            if held:
                if self._lease_users == 0:
                    self._heartbeat = asyncio.create_task(self.lease.heartbeat())
                self._lease_users += 1
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            # Given back on a graceful stop too (the task is cancelled): the next worker
            # need not wait for it to run out.
            await asyncio.shield(self._let_go())

    async def _let_go(self) -> None:
        async with self._hold_turn:
            self._lease_users -= 1
            if self._lease_users > 0:
                return
            if self._heartbeat is not None:
                self._heartbeat.cancel()
                await asyncio.gather(self._heartbeat, return_exceptions=True)
                self._heartbeat = None
            await self.lease.release()

    # -- one cycle -------------------------------------------------------------------

    async def run_cycle(self) -> CycleReport:
        started = time.perf_counter()
        outcome = "failed"
        try:
            async with self._exclusive() as held:
                if not held:
                    log.debug("another worker is delivering notifications; skipping this cycle")
                    outcome = "skipped"
                    return CycleReport(skipped=True)
                self.health.took_lease()
                if self.reply_recovery is not None:
                    await self.reply_recovery.sweep()
                report = await self._run_cycle()
                outcome = "ok"
                return report
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self.metrics.poll_cycles.labels(outcome).inc()
            self.metrics.poll_cycle_seconds.observe(time.perf_counter() - started)
            if outcome != "cancelled":  # a cancelled cycle did not finish
                self.health.finished(held=outcome != "skipped")
                self.metrics.poll_last_cycle_finished.set_to_current_time()

    async def _run_cycle(self) -> CycleReport:
        report = CycleReport()
        async with self.sessions() as session:
            subscriptions = list(await SubscriptionRepository(session).active())
            state = PollerStateRepository(session)
            cursor = await state.cursor()
            if cursor is None and self.since is not None:
                cursor = self.since  # `poll --since`: deliver history from then on
            elif cursor is None or not (subscriptions or self.personal):
                # First start begins now (no flood of history); with no subscription
                # there is nothing to ask Redmine, and nothing to catch up on later.
                await state.set_cursor(self.clock())
                await session.commit()
                return report
        changed = await self.deadlines.run(
            "listing", "Redmine's list of changed issues", self._list_changed(cursor)
        )
        report.listed = len(changed)
        self._window_start = cursor - OVERLAP
        parents = await self.deadlines.run(
            "redmine", "Redmine's project tree", self._project_parents(subscriptions)
        )
        in_queries = await self.deadlines.run(
            "redmine", "Redmine's saved queries", self._query_hits(subscriptions, changed)
        )
        work: list[tuple[Issue, list[Subscription]]] = []
        for issue in changed:
            if self._already_complete(issue):
                continue
            matching = [
                s
                for s in subscriptions
                if _covers(s, issue.project.id, parents) or issue.id in in_queries.get(s.id, ())
            ]
            if matching or self.personal is not None:
                work.append((issue, matching))
            else:
                self._remember(
                    issue, datetime.max.replace(tzinfo=UTC)
                )  # no subscriber: never fetch
        gate = asyncio.Semaphore(self.concurrency)
        redmine_gone, lease_lost = asyncio.Event(), asyncio.Event()
        # Personal DMs go out while the other issues are read, each person at Slack's pace.
        outbox = self._outbox = self.personal.outbox() if self.personal is not None else None

        async def handle(issue: Issue, matching: list[Subscription]) -> None:
            async with gate:
                # No use asking a Redmine that stopped answering; and once the lease
                # passed to another worker, the rest is that worker's to deliver.
                stopped = redmine_gone.is_set() or lease_lost.is_set()
                if not stopped and not await self._still_held():
                    lease_lost.set()
                if redmine_gone.is_set() or lease_lost.is_set():
                    report.failed_issues.append(issue.id)
                    return
                try:
                    posted, served_at = await self._process(issue.id, matching)
                    report.posted += posted  # after the await: no lost update between tasks
                    report.fetched += 1
                    self._remember(issue, served_at)
                except (RedmineError, DeliveryFailed) as error:
                    log.info(
                        "issue #%s not fully delivered, retried next cycle: %s", issue.id, error
                    )
                    report.failed_issues.append(issue.id)
                    if isinstance(error, RedmineUnavailable):
                        redmine_gone.set()
                # Done with, one way or another (not when cancelled: that is no progress).
                self.health.progressed()

        tasks = [asyncio.create_task(handle(issue, matching)) for issue, matching in work]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:  # none goes on working unseen once the cycle is over
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if outbox is not None:
                outbox.abort()
            raise
        finally:
            self._outbox = None
        if outbox is not None:
            posted, undelivered = await outbox.close()
            report.posted += posted
            report.failed_issues += sorted(undelivered - set(report.failed_issues))
            for issue_id in undelivered:
                self._seen.pop(issue_id, None)  # fetch it again next cycle
        if lease_lost.is_set():
            return report  # the cursor is the new holder's now; ours could skip its work
        failed = [i.updated_on for i in changed if i.id in report.failed_issues and i.updated_on]
        if failed:
            new_cursor = min(failed)  # never past an undelivered change
        else:
            new_cursor = max([cursor, *(i.updated_on for i in changed if i.updated_on)])
        async with self.sessions() as session:
            await PollerStateRepository(session).set_cursor(new_cursor)
            await session.commit()
        self._forget_old(new_cursor)
        return report

    async def _list_changed(self, cursor: datetime) -> list[Issue]:
        return [
            issue
            async for issue in self.redmine.issues.all(
                status_id="*",
                sort="updated_on",
                filters={"updated_on": date_filter(">=", cursor - OVERLAP)},
            )
        ]

    async def _still_held(self) -> bool:
        """The lease is still ours; a lease row that does not answer in time counts as lost
        (this worker stops, and the lease runs out for whoever can reach it)."""
        try:
            return await self.lease.keep()
        except DeadlinePassed:
            return False

    async def _query_hits(
        self, subscriptions: Sequence[Subscription], changed: Sequence[Issue]
    ) -> dict[int, set[int]]:
        if self.query_matcher is None:
            return {}
        return await self.query_matcher.matches(subscriptions, changed)

    def _remember(self, issue: Issue, served_at: datetime) -> None:
        if issue.updated_on is not None:
            self._seen[issue.id] = (issue.updated_on, served_at)

    def _already_complete(self, issue: Issue) -> bool:
        seen = self._seen.get(issue.id)
        if seen is None or issue.updated_on is None or seen[0] != issue.updated_on:
            return False
        return seen[1] >= issue.updated_on + timedelta(seconds=1)

    def _forget_old(self, cursor: datetime) -> None:
        horizon = cursor - 2 * OVERLAP
        self._seen = {k: v for k, v in self._seen.items() if v[0] >= horizon}

    async def _project_parents(
        self, subscriptions: Sequence[Subscription]
    ) -> dict[int, int | None]:
        """Project id -> parent id, only when a subscription asks for subprojects."""
        if not any(s.include_subprojects for s in subscriptions):
            return {}
        projects = await self.redmine.projects.visible_cached()
        return {p.id: (p.parent.id if p.parent else None) for p in projects}

    async def process_queued(self, issue_id: int) -> None:
        """An issue the webhook named: re-fetch it and deliver what is new, like a cycle would."""
        async with self._exclusive(wait=WEBHOOK_LEASE_WAIT) as held:
            if held:
                await self._process_queued(issue_id)
            else:
                log.info("webhook issue #%s left to the worker holding the lease", issue_id)

    async def _process_queued(self, issue_id: int) -> None:
        try:
            async with self.sessions() as session:
                subscriptions = list(await SubscriptionRepository(session).active())
            if not subscriptions and self.personal is None:
                return
            issue = await self.deadlines.run(
                "redmine", f"Redmine's issue #{issue_id}", self.redmine.issues.get(issue_id)
            )
            parents = await self.deadlines.run(
                "redmine", "Redmine's project tree", self._project_parents(subscriptions)
            )
            matching = [s for s in subscriptions if _covers(s, issue.project.id, parents)]
            if matching or self.personal is not None:
                await self.process_issue(issue_id, matching)
        except (RedmineError, DeliveryFailed) as error:
            log.info("webhook issue #%s left to the poller: %s", issue_id, error)

    # -- one issue -------------------------------------------------------------------

    async def process_issue(self, issue_id: int, subscriptions: Sequence[Subscription]) -> int:
        """Fetch the issue with its journals and deliver what each subscription lacks."""
        posted, _served_at = await self._process(issue_id, subscriptions)
        return posted

    async def _fetch(self, issue_id: int) -> tuple[Issue, datetime]:
        """The issue with journals, and when Redmine served it (its Date header)."""
        # Watchers only for personal DMs: the admin key reads them (REDMINE-FACTS).
        include = ("journals", "attachments") + (("watchers",) if self.personal else ())
        issue, served_at = await self.deadlines.run(
            "redmine",
            f"Redmine's issue #{issue_id}",
            self.redmine.issues.get_served(issue_id, include=include),
        )
        if served_at is None:
            # Redmine's own server (thin) sends no Date; proxies in front of it do. Our
            # clock then stands in, less an allowance for the two clocks differing.
            served_at = self.clock() - CLOCK_ALLOWANCE
        return issue, served_at

    async def _process(
        self, issue_id: int, subscriptions: Sequence[Subscription]
    ) -> tuple[int, datetime]:
        lock = self._issue_locks.setdefault(issue_id, asyncio.Lock())
        async with lock:  # poller and webhook never work on one issue at once
            issue, served_at = await self._fetch(issue_id)
            await self.deadlines.run("redmine", "Redmine's names", self.names.prepare([issue]))
            # Slack paces each channel on its own: the issue's channels are told at once,
            # or every channel of a wide fan-out waits for the others' messages too. One
            # channel's subscriptions (a project with its subprojects, and a subproject)
            # go in turn: they share the issue's thread there and what it was told.
            by_channel: dict[str, list[Subscription]] = {}
            for subscription in subscriptions:
                by_channel.setdefault(subscription.channel_id, []).append(subscription)
            outcomes = await asyncio.gather(
                *(self._deliver_in_turn(subs, issue) for subs in by_channel.values()),
                return_exceptions=True,
            )
            failures = [o for o in outcomes if isinstance(o, BaseException)]
            if failures:
                raise failures[0]  # what the other channels took is recorded already
            posted = sum(o for o in outcomes if isinstance(o, int))
            if self.personal is not None:  # personal DMs: sent by the cycle, else now
                since = self._window_start or self.clock() - OVERLAP
                if self._outbox is None:
                    posted += await self.personal.deliver(issue, self.names, since=since)
                else:
                    prepared = await self.deadlines.run(
                        "redmine",
                        f"the readers of #{issue.id} for personal DMs",
                        self.personal.prepare(issue, self.names, since=since),
                    )
                    self._outbox.add(prepared)
            return posted, served_at

    async def _deliver_in_turn(self, subs: list[Subscription], issue: Issue) -> int:
        posted = 0
        for sub in subs:
            try:
                # Everything said to the channel is in its language (`lang:`), dates too.
                with using(translator_for(sub.language, self.settings.default_locale)):
                    posted += await self._deliver(sub, issue)
            except ChannelUnavailable as error:
                await self._pause(sub, error.error)
        return posted

    async def _deliver(self, sub: Subscription, issue: Issue) -> int:
        if issue.is_private and not sub.private:
            return 0
        if not tracker_matches(issue, sub.trackers):
            return 0
        # Redmine's timestamps have one-second precision: a change in the very second of
        # subscribing must count.
        floor = self.since or sub.created_at.replace(microsecond=0)
        journals = [j for j in issue.journals if j.created_on is None or j.created_on >= floor]
        channel = sub.channel_id
        async with self.sessions() as session:
            repo = DeliveryRepository(session)
            delivered = await repo.delivered_journal_ids(channel, [j.id for j in journals])
            thread_ts = await repo.get_thread(channel, issue.id)
            from_here = await ImportedReplyRepository(session).came_from(
                channel, issue.id, [JournalSeen.of(j) for j in journals]
            )  # replies imported from this channel: never echoed back into it
        pending = sorted((j for j in journals if j.id not in delivered), key=lambda j: j.id)
        self.metrics.journals_seen.inc(len(pending))
        to_post: list[tuple[Journal, JournalEvent]] = []
        silent: list[int] = []  # nothing to say here (private, filtered out): never ask again
        for journal in pending:
            event = journal_event(journal, self.names)
            kept = (
                None
                if (journal.private_notes and not sub.private) or journal.id in from_here
                else event.keep(list(sub.events))
            )
            if kept is None:
                silent.append(journal.id)
            else:
                to_post.append((journal, kept))
        created_here = (
            thread_ts is None and issue.created_on is not None and issue.created_on >= floor
        )
        wants_created = not sub.events or "created" in sub.events
        posted = 0
        base_url = self.settings.redmine_base_url
        formatting = self.settings.redmine_text_formatting
        parent_is_old = thread_ts is not None
        if thread_ts is None and ((created_here and wants_created) or (to_post and sub.threads)):
            text, blocks = new_issue_message(issue, base_url, formatting)
            key = f"issue.{issue.id}.{channel}"
            thread_ts = (await self.delivery.post(channel, text, blocks, key=key)).ts
            self.health.progressed()
            posted += 1
            async with self.sessions() as session:
                await DeliveryRepository(session).set_thread(channel, issue.id, thread_ts)
                await PendingPostRepository(session).done(key)
                await session.commit()
        for journal, event in to_post:
            mentions = await self._assignee_mentions(journal)
            text, blocks = change_message(
                issue, event, base_url, formatting, in_thread=sub.threads, mentions=mentions
            )
            key = f"journal.{journal.id}.{channel}"
            await self.delivery.post(
                channel,
                text,
                blocks,
                thread_ts=thread_ts if sub.threads else None,
                broadcast=sub.threads and is_closing(event),
                key=key,
            )
            self.health.progressed()
            if journal.created_on is not None:
                lag = (self.clock() - journal.created_on).total_seconds()
                self.metrics.delivery_lag_seconds.observe(max(lag, 0.0))
            posted += 1
            async with self.sessions() as session:
                await DeliveryRepository(session).record_delivered(channel, issue.id, [journal.id])
                await PendingPostRepository(session).done(key)
                await session.commit()
        if silent:
            async with self.sessions() as session:
                await DeliveryRepository(session).record_delivered(channel, issue.id, silent)
                await session.commit()
        if to_post and parent_is_old and thread_ts is not None:
            await self._redraw_parent(channel, thread_ts, issue)
        return posted

    async def _redraw_parent(self, channel: str, thread_ts: str, issue: Issue) -> None:
        """The card at the top of the issue's thread shows it as it is now (status,
        assignee, its buttons' version). Silent: the change itself was the threaded reply,
        and a redraw that fails (the message deleted, say) only leaves an older card."""
        settings = self.settings
        text, blocks = new_issue_message(
            issue, settings.redmine_base_url, settings.redmine_text_formatting
        )
        try:
            await self.deadlines.run(
                "slack",
                f"Slack's chat.update in {channel}",
                self.slack.chat_update(channel=channel, ts=thread_ts, text=text, blocks=blocks),
            )
        except DeadlinePassed:
            pass  # logged where it passed; the card is redrawn by the next change
        except SlackApiError as error:
            log.info("card of #%s in %s not redrawn: %s", issue.id, channel, error_code(error))

    async def _assignee_mentions(self, journal: Journal) -> dict[str, str]:
        """The new assignee's name -> `<@U…>` when a Slack user has the same email."""
        mentions: dict[str, str] = {}
        for detail in journal.details:
            if detail.property == "attr" and detail.name == "assigned_to_id" and detail.new_value:
                mention = await self._mention_for(detail.new_value)
                if mention:
                    mentions[self.names.user(detail.new_value)] = mention
        return mentions

    async def _mention_for(self, user_id: str) -> str:
        async def lookup() -> str:
            try:
                mail = (await self.redmine.users.get(user_id)).mail
                if not mail:
                    return ""
                answer = await self.slack.users_lookupByEmail(email=mail)
                slack_id = (answer.get("user") or {}).get("id")
                return f"<@{slack_id}>" if slack_id else ""
            except (RedmineError, SlackApiError):
                return ""  # no mention, the name stays

        try:
            mention: str = await self.deadlines.run(
                "slack",
                "the Slack account of a new assignee",
                self._mentions.get_or_load(("mention", user_id), lookup),
            )
        except DeadlinePassed:
            return ""  # no mention, the name stays
        return mention

    async def _pause(self, sub: Subscription, error: str) -> None:
        async with self.sessions() as session:
            await SubscriptionRepository(session).pause(sub.id, error)
            await session.commit()
        log.warning(
            "paused subscription %s (%s in %s): %s",
            sub.id,
            sub.project_identifier,
            sub.channel_id,
            error,
        )
        with using(await self._reader(sub.created_by_slack_user)):
            notice = _(
                PAUSED_NOTICE,
                project=sub.project_name,
                channel=sub.channel_id,
                error=error,
                identifier=sub.project_identifier,
            )
        try:  # tell its creator once: a paused subscription is no longer polled
            await self.deadlines.run(
                "slack",
                "Slack's chat.postMessage of a pause notice",
                self.slack.chat_postMessage(channel=sub.created_by_slack_user, text=notice),
            )
        except DeadlinePassed:
            pass  # logged where it passed
        except SlackApiError as notice_error:
            log.info(
                "could not tell %s about the pause: %s",
                sub.created_by_slack_user,
                error_code(notice_error),
            )

    async def _reader(self, slack_user: str) -> Translator:
        """A DM's reader's language: their Slack locale (users.info, cached), else
        DEFAULT_LOCALE. Slack failing to say only means the default."""
        try:
            return await self.deadlines.run(
                "slack",
                "Slack's users.info for a DM's language",
                SlackReads(self.slack, self._slack_users).language(
                    slack_user, self.settings.default_locale
                ),
            )
        except DeadlinePassed:
            return translator_for(None, self.settings.default_locale)


def _covers(sub: Subscription, project_id: int, parents: dict[int, int | None]) -> bool:
    if sub.query_id or sub.digest_minute is not None:
        return False  # a saved query's issues come from Redmine; digests come once a day
    if project_id == sub.project_id:
        return True
    if not sub.include_subprojects:
        return False
    seen: set[int] = set()
    current = parents.get(project_id)
    while current is not None and current not in seen:
        if current == sub.project_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
