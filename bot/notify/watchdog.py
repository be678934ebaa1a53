"""Run one piece of notifier work under a bound that may grow while it runs.

`watched` runs the work as a task and cancels it once it has not moved for `bound()`
(asked again every `step` seconds, so a bound that grows, say while a Slack Retry-After
is waited out, is honoured; `progress()` tells when the work last moved). The work's own `finally` blocks and context managers undo
what it held (the lease, locks, the cycle's DM senders); what it did not finish is in the
database as not done, so the next cycle takes it up from the cursor.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class Overran(Exception):
    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} ran {seconds:.0f} s without moving past its bound; cancelled")
        self.what = what
        self.seconds = seconds


async def watched(
    work: Coroutine[Any, Any, T],
    what: str,
    bound: Callable[[], float],
    *,
    clock: Callable[[], float] = time.monotonic,
    step: float = 1.0,
    progress: Callable[[], float] = lambda: 0.0,
) -> T:
    """`work`'s result; raises Overran (after cancelling it) once it has not moved for
    `bound()`: since it started, or since `progress()` (clock time of its last step)."""
    task = asyncio.ensure_future(work)
    started = clock()
    try:
        while not task.done():
            left = max(started, progress()) + bound() - clock()
            if left <= 0:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise Overran(what, clock() - started)
            await asyncio.wait({task}, timeout=min(left, step))
    except asyncio.CancelledError:  # we are stopped: the work stops with us
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    return task.result()
