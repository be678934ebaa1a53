"""Whether this process's notifier is making progress: what /readyz and /metrics say of it.

The poller tells `NotifierHealth` when a cycle finishes, when work inside one moves on (an
issue read, a message posted) and whether it held the notification lease; its watchdog
(bot.notify.watchdog) cancels a cycle that has not moved for `bound()`, and /readyz
answers 503 naming the notifier while the worker holding the lease has neither finished a
cycle nor moved within that bound. A backlog worked through at Slack's pace (a message a
second per channel) is progress, however long the cycle. A worker that does not hold the lease delivers
nothing, so it is never called stalled; a process without a poller reports nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# A cycle is overdue after this many poll intervals without one finishing...
STALL_INTERVALS = 3


class NotifierHealth:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.running = False  # a poller runs in this process
        self.holds_lease = False  # its latest cycle held the notification lease
        self._since: float | None = None  # the last finished cycle, else when watching began
        self._progress: float = 0.0  # the last sign of progress inside a cycle
        self._bound: Callable[[], float] = lambda: float("inf")

    def watching(self, bound: Callable[[], float]) -> None:
        """A poller starts: `bound()` is how long a cycle may run (it can grow, e.g. while
        a Slack Retry-After is being waited out)."""
        self.running = True
        self._bound = bound
        self._since = self._clock()

    def stopped(self) -> None:
        self.running = False

    def finished(self, *, held: bool) -> None:
        self._since = self._clock()
        self.holds_lease = held

    def took_lease(self) -> None:
        self.holds_lease = True

    def progressed(self) -> None:
        """Work inside a cycle moved on (an issue read, a message posted): a long cycle
        working through a backlog at Slack's pace is busy, not stalled."""
        self._progress = self._clock()

    def last_progress(self) -> float:
        """When the notifier last moved: a cycle finishing, or work inside one."""
        return max(self._since or 0.0, self._progress)

    def bound(self) -> float:
        return self._bound()

    def waiting(self) -> float:
        """Seconds since the notifier last moved (or since the poller started)."""
        return 0.0 if self._since is None else self._clock() - self.last_progress()

    def stalled(self) -> str | None:
        """Why the notifier counts as stalled, or None while it is not."""
        if not (self.running and self.holds_lease):
            return None
        waited, bound = self.waiting(), self.bound()
        if waited <= bound:
            return None
        return f"stalled: no poll cycle moved or finished for {waited:.0f} s (bound {bound:.0f} s)"
