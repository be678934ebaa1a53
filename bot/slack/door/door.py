"""The door's state, one per process: the replay records and the threads we follow.

The route (HTTP) and the Bolt middleware (HTTP and Socket Mode) share it; the app's
lifespan starts it (the first read of the followed threads, then its refresh) and
closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.slack.door.followed import FollowedThreads
from bot.slack.door.relevance import Relevance
from bot.slack.door.replay import ReplayGuard

log = logging.getLogger(__name__)


class Door:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redmine_url: str,
        engine: AsyncEngine | None = None,
        default_locale: str = "en",
    ) -> None:
        """`engine` is the one `sessions` use: watched for this process's own writes of
        followed threads (bot/slack/door/followed.py). `default_locale` (DEFAULT_LOCALE)
        speaks the door's refusals, said before anyone's own language is known."""
        self.replays = ReplayGuard(sessions)
        self.followed = FollowedThreads(sessions)
        if engine is not None:
            self.followed.watch(engine)
        self.relevance = Relevance(self.followed, redmine_url)
        self.default_locale = default_locale
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Read the followed threads once (so the first events are judged), then keep
        them current in the background."""
        try:
            await self.followed.refresh()
        except (SQLAlchemyError, OSError) as error:
            # Until a read succeeds every event is let through: slower, never lost.
            log.warning("could not read the followed threads: %s", type(error).__name__)
        self._tasks.append(asyncio.create_task(self.followed.keep_current()))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.replays.flush()
