"""The threads this app follows, in memory, kept current across replicas.

The door asks it of every `message` event, so it is never a database read per event. It
is refreshed from the store every few seconds (`REFRESH`): linked threads and
`replies:on` channels whole, the issue threads and imported replies made since the last
look (bot/store/followed.py), and everything again every few minutes (`RELOAD`) so that
what went away is forgotten too.

Why a refresh and not a version counter bumped by every writer: the writers are the
notifier (often another process, `redmine-slack poll`), the `connect_thread` shortcut
and `/redmine subscribe`, in other packages; a counter would have to be bumped in each,
and a missed bump loses replies silently. The refresh needs no writer's help, costs a
handful of indexed reads every few seconds per replica, and its errors are one-sided:

- A thread still in the set after it stopped being followed is let through, and the
  listener (which reads the store, as before) finds nothing to do: only a little work.
- A thread made after the last refresh cannot be in the set. Issue threads are the
  notifier's own messages, made at their `thread_ts`, so a reply in a thread younger
  than the last refresh (with `MARGIN` for clocks and slow commits) is let through.
  A thread linked by hand is seen within `REFRESH` seconds by every replica; someone
  linking a thread and replying in it quicker than that is not a person.
- A thread made by this very process (the shortcut's link, the poller of `serve`) must be
  known at once: the person who linked a thread replies in it next. So the engine's
  statements are watched: a connection that wrote to a table the set is made from
  marks the set stale when it goes back to the pool (its transaction is over by then),
  and the next event the set would drop waits for one look first (`current`).
- Until the first read succeeds (the database down at start), everything is let through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.followed import FollowedRows, Thread, read_followed

log = logging.getLogger(__name__)

REFRESH = 2.0  # seconds between looks at the rows made since the last one
RELOAD = 300.0  # seconds between whole reads, which forget unlinked threads
# Rows committed up to this long before a look are certainly seen by it: covers clocks
# of replicas that disagree a little and a notification's post-then-record delay.
MARGIN = 60.0
# The tables the set is read from: a write to one of them makes the set stale.
SOURCES = ("linked_threads", "issue_threads", "imported_replies", "subscriptions")
WROTE = "followed_threads_written"  # the mark on a connection's info


class FollowedThreads:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.linked: set[Thread] = set()
        self.reply_channels: set[str] = set()
        self.issue_threads: set[Thread] = set()
        self.imported_channels: set[str] = set()
        # When the last successful look started; None until one succeeded.
        self.seen_until: float | None = None
        self.loaded_at = 0.0
        # Writes of this process to SOURCES, counted as their connections come back;
        # `looked` is the count the last look started after.
        self.writes = 0
        self.looked = 0
        self.turn = asyncio.Lock()

    # -- what the door asks ---------------------------------------------------------------

    def may_follow(self, channel: str, thread_ts: str) -> bool:
        """Whether replies in this thread may become notes (True when not sure)."""
        if self.seen_until is None:
            return True
        thread = (channel, thread_ts)
        if thread in self.linked:
            return True
        if thread in self.issue_threads and channel in self.reply_channels:
            return True
        try:
            started = float(thread_ts)
        except ValueError:
            return True  # not a Slack timestamp: let the listener's own checks decide
        return channel in self.reply_channels and started > self.seen_until - MARGIN

    def may_hold_replies(self, channel: str) -> bool:
        """Whether a message edited or deleted here may be a reply imported as a note."""
        return (
            self.seen_until is None
            or channel in self.imported_channels
            or channel in self.reply_channels
            or any(linked_channel == channel for linked_channel, _ in self.linked)
        )

    @property
    def stale(self) -> bool:
        """Whether this process wrote a followed thread since the last look began."""
        return self.writes > self.looked

    # -- keeping it current ---------------------------------------------------------------

    def watch(self, engine: AsyncEngine) -> None:
        """Count this process's writes to the tables the set is made from."""

        def on_statement(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement[:6].upper() in {"INSERT", "UPDATE"} and any(
                table in statement[:80] for table in SOURCES
            ):
                conn.info[WROTE] = True

        def on_checkin(_dbapi_connection: Any, record: Any) -> None:
            if record.info.pop(WROTE, False):
                self.writes += 1

        event.listen(engine.sync_engine, "before_cursor_execute", on_statement)
        event.listen(engine.sync_engine.pool, "checkin", on_checkin)

    async def current(self) -> None:
        """Look once more if this process wrote a followed thread since the last look."""
        if not self.stale:
            return
        async with self.turn:
            if self.stale:  # nobody looked while this waited
                await self.refresh()

    async def refresh(self) -> None:
        """One look: everything when due (or first), else what was made since the last."""
        writes = self.writes
        started = self.clock()
        whole = self.seen_until is None or started - self.loaded_at >= RELOAD
        since = None if whole or self.seen_until is None else self.seen_until - MARGIN
        async with self.sessions() as session:
            rows = await read_followed(
                session, datetime.fromtimestamp(since, UTC) if since is not None else None
            )
        self._take(rows, whole=whole)
        self.seen_until, self.looked = started, writes
        if whole:
            self.loaded_at = started

    def _take(self, rows: FollowedRows, *, whole: bool) -> None:
        self.linked, self.reply_channels = rows.linked, rows.reply_channels
        if whole:
            self.issue_threads, self.imported_channels = rows.issue_threads, rows.imported_channels
        else:
            self.issue_threads |= rows.issue_threads
            self.imported_channels |= rows.imported_channels

    async def keep_current(self, every: float = REFRESH) -> None:
        """Refresh forever (after the first look, made at start); a failed look is logged
        and the last set kept."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh()
            except (SQLAlchemyError, OSError) as error:
                log.warning("could not read the followed threads: %s", type(error).__name__)
