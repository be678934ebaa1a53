"""The issue ids Redmine's webhook named, waiting for the poller: one object shared by the
web app (which fills it) and the poller (which drains it), created with the Services."""

from __future__ import annotations

import asyncio


class WebhookQueue:
    """Issue ids to re-fetch now, in arrival order; unbounded (each entry is one int)."""

    def __init__(self) -> None:
        self._ids: asyncio.Queue[int] = asyncio.Queue()

    def put(self, issue_id: int) -> None:
        self._ids.put_nowait(issue_id)

    async def get(self) -> int:
        return await self._ids.get()

    async def get_within(self, seconds: float) -> int | None:
        """The next id, or None when none arrives within `seconds`."""
        try:
            return await asyncio.wait_for(self._ids.get(), timeout=seconds)
        except TimeoutError:
            return None

    def take_waiting(self) -> list[int]:
        """Every id already queued, without waiting."""
        waiting = []
        while not self._ids.empty():
            waiting.append(self._ids.get_nowait())
        return waiting

    def __len__(self) -> int:
        return self._ids.qsize()
