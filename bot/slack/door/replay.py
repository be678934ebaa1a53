"""Each Slack request is taken once, across replicas, through the database.

A signed request names itself by its (timestamp, signature): Slack never sends the same
pair twice (it never resends a slash command or an interaction), so a second sight is a
replay and is refused. Slack does retry events that were not acked in time, marking them
with `X-Slack-Retry-Num`; a retry is a new HTTP request, signed afresh (the third retry
comes about five minutes after the first try, past the five-minute signature window), but
it carries the same `event_id`, so events are taken once by their id.

A signed request is checked against this process's own record first (`claim_signature`,
no await): a replay this process saw is refused at once with 401. The shared record is
written in the background, so the database is not on the ack's path; the request's
`GatedAck` lets a plain ack go to Slack at once and then holds the listener until the
shared record answers: when another replica took the same request first (a replay it
saw earlier), the listener stops there and nothing is done. An ack that carries an
answer (a help text, a form's errors) waits for the shared record before it is sent,
so a replay never gets one.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import N_, _
from bot.slack.door.verify import FIVE_MINUTES
from bot.store.repositories import SeenRequestRepository

# Slack retries an event three times, the last about five minutes after the first try;
# an hour covers that with room to spare.
EVENT_MEMORY = timedelta(hours=1)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


# Expired rows are deleted at most this often per process, not on every request.
PRUNE_EVERY = timedelta(minutes=1)
# A signed request's shared record waits this long for company, so the requests of one
# moment share one database write: the record is off the ack's path (the plain ack is
# already sent), and each write was ~10% of the event loop's samples under
# bench/ack_latency's load, one transaction per request. An ack with an answer, which
# waits on the record, has it written at once (`GatedAck`, `ReplayGuard.hurry`).
CLAIM_WINDOW = 0.25

Pending = tuple[str, datetime, "asyncio.Future[bool]"]

log = logging.getLogger(__name__)

# Said from the listener's ack, so after handlers/asked.py set the person's language.
NOT_CHECKED = N_(
    "This request could not be checked against replays right now, so nothing was done. "
    "Try again in a moment."
)


class ReplayRefused(Exception):
    """Raised from a listener's ack: the shared record says another replica took this
    request first (`sentence` None: a replay, nobody to tell) or could not be read
    (`sentence`: what the person is told). The listener's work stops there."""

    def __init__(self, sentence: str | None = None) -> None:
        # For the log; a person hears `sentence` (handlers/errors.py).
        super().__init__("replayed request" if sentence is None else "replay record unavailable")
        self.sentence = sentence


class GatedAck(AsyncAck):
    """Bolt's ack, held to the shared replay record's verdict (see the module's text)."""

    def __init__(
        self, verdict: asyncio.Future[bool], hurry: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.verdict = verdict
        self.hurry = hurry  # has the shared record written now, not at the window's end
        # Set the moment the listener acks: the route answers then, not at Bolt's next
        # look (Bolt polls for the ack every 10 ms).
        self.acked = asyncio.Event()

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if args or any(value not in (None, "") for value in kwargs.values()):
            self.hurry()  # the answer waits on the record: no window
            await self._pass()  # an answer is never sent to a replay
            response = await super().__call__(*args, **kwargs)
            self.acked.set()
            return response
        response = await super().__call__()
        self.acked.set()  # Slack has its ack now
        await self._pass()
        return response

    async def _pass(self) -> None:
        try:
            first = await asyncio.shield(self.verdict)
        except Exception as error:
            log.warning("could not record a Slack request: %s", type(error).__name__)
            raise ReplayRefused(_(NOT_CHECKED)) from None
        if not first:
            log.info("refused a replayed Slack request (another replica took it first)")
            raise ReplayRefused()


class ReplayGuard:
    """Records keys in batches: requests that arrive together share one transaction.

    One commit per request made a burst of 50 commands wait on each other's commits
    (SQLite takes one writer at a time, backing the others off in sleeps of up to 100 ms:
    p99 581 ms in bench/ack_latency.py). Whoever holds the writer's turn records every key
    waiting at that moment, so a burst costs a few commits, not fifty.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.next_prune = datetime.now(UTC)
        self.turn = asyncio.Lock()
        self.pending: list[Pending] = []
        # This process's own record: key -> when it may be forgotten (epoch seconds).
        self.local: dict[str, float] = {}
        self.next_local_prune = 0.0
        self.writing: set[asyncio.Task[bool]] = set()
        self.flushing: set[asyncio.Task[None]] = set()

    async def _first(self, key: str, expires_at: datetime, *, window: float = 0.0) -> bool:
        """Recorded with whatever else waits (within `window` seconds, or `hurry`)."""
        result: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pending.append((key, expires_at, result))
        if window > 0:
            await asyncio.wait((result,), timeout=window)  # written meanwhile, or not
        if not result.done():  # nobody recorded it while this request waited
            await self._flush()
        return await result

    async def _flush(self) -> None:
        async with self.turn:
            if self.pending:
                batch, self.pending = self.pending, []
                await self._record(batch)

    def hurry(self) -> None:
        """Write the records waiting in their window now (an answer waits on one)."""
        if self.pending:
            task = asyncio.create_task(self._flush())
            self.flushing.add(task)
            task.add_done_callback(self.flushing.discard)

    async def _record(self, batch: list[Pending]) -> None:
        now = datetime.now(UTC)
        prune = now >= self.next_prune
        if prune:
            self.next_prune = now + PRUNE_EVERY
        try:
            async with self.sessions() as session:
                firsts = await SeenRequestRepository(session).first_times(
                    [(key, expires_at) for key, expires_at, _waiter in batch], prune=prune
                )
                await session.commit()
        except Exception as error:  # every waiter hears it, and refuses its request
            for _key, _expires, result in batch:
                result.set_exception(error)
            return
        for (_key, _expires, result), first in zip(batch, firsts, strict=True):
            result.set_result(first)

    def claim_signature(self, timestamp: int, signature: str) -> asyncio.Task[bool] | None:
        """None when this process saw the request (a replay); else the shared record's
        verdict to come (True: first in every replica), written in the background."""
        key = _key("signature", f"{timestamp}:{signature}")
        now = time.time()
        if now >= self.next_local_prune:
            self.next_local_prune = now + PRUNE_EVERY.total_seconds()
            self.local = {k: until for k, until in self.local.items() if until > now}
        if key in self.local:
            return None
        until = timestamp + FIVE_MINUTES + 60
        self.local[key] = until
        expires_at = datetime.fromtimestamp(until, UTC)
        verdict = asyncio.create_task(self._first(key, expires_at, window=CLAIM_WINDOW))
        self.writing.add(verdict)
        verdict.add_done_callback(self._written)
        return verdict

    def _written(self, verdict: asyncio.Task[bool]) -> None:
        self.writing.discard(verdict)
        if not verdict.cancelled() and verdict.exception() is not None:
            # Retrieved here so no request without a listener's ack leaves it unread.
            log.info("the shared replay record failed: %s", type(verdict.exception()).__name__)

    async def flush(self) -> None:
        """Wait for the shared record's writes in flight (at shutdown)."""
        self.hurry()
        await asyncio.gather(*self.writing, *self.flushing, return_exceptions=True)

    async def first_signature(self, timestamp: int, signature: str) -> bool:
        """Whether this signed request was never seen (it is then recorded)."""
        # Past the window the timestamp check refuses it anyway: the row can go.
        expires_at = datetime.fromtimestamp(timestamp + FIVE_MINUTES + 60, UTC)
        return await self._first(_key("signature", f"{timestamp}:{signature}"), expires_at)

    async def first_event(self, event_id: str) -> bool:
        """Whether this event was never taken (it is then recorded)."""
        return await self._first(_key("event", event_id), datetime.now(UTC) + EVENT_MEMORY)
