"""One place that puts a deadline on every await of the notifier, scheduler and delivery
that waits on the network or on a lock.

Nothing below this layer may wait forever: slack_sdk waits out a Retry-After inside the
call (its retry handler runs within `async with session.request(...)`, outside aiohttp's
ClientTimeout, slack_sdk/web/async_internal_utils.py), Redmine may stop answering
mid-listing, another worker may hold a database row. `Deadlines.run(kind, what, work)`
gives `work` the deadline of its kind; when it passes, it is logged once (what was
waited on, for how long), counted in /metrics (`redmine_slack_deadlines_passed` by
kind), and DeadlinePassed is raised: a DeliveryFailed, so the issue stays undelivered
and the next cycle takes it up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Literal, TypeVar

from bot.metrics import Metrics
from bot.notify.failures import DeadlinePassed
from bot.slack.web.pace import RETRY_AFTER_CAP

log = logging.getLogger(__name__)

T = TypeVar("T")

Kind = Literal["slack", "redmine", "listing", "lease", "lock", "pacing", "send"]

# slack_sdk's own timeout for one HTTP request (AsyncWebClient's default, which the app keeps).
SLACK_REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class DeadlineTable:
    """Seconds each kind of await may take."""

    # One Web API call: the request, slack_sdk's one retry after a Retry-After (waited
    # out inside the call, up to RETRY_AFTER_CAP), and that retry's request.
    slack: float = 2 * SLACK_REQUEST_TIMEOUT + RETRY_AFTER_CAP + 10.0
    # One Redmine call with the adapter's retries (15 s timeout, 3 retries, backoff).
    redmine: float = 90.0
    # A whole paged listing of changed issues.
    listing: float = 300.0
    # One round trip to the database for the notification lease.
    lease: float = 15.0
    # Waiting for a channel's turn (another message to it is being posted).
    lock: float = 600.0
    # A pacing wait: at most the longest Retry-After honoured, plus the pace.
    pacing: float = RETRY_AFTER_CAP + 5.0
    # One scheduled send (a reminder, a weekly summary, a digest), all its calls together.
    send: float = 600.0


class Deadlines:
    def __init__(self, metrics: Metrics | None = None, table: DeadlineTable | None = None) -> None:
        self.metrics = metrics or Metrics()
        self.table = table or DeadlineTable()

    async def run(self, kind: Kind, what: str, work: Awaitable[T]) -> T:
        """`work`'s result, or DeadlinePassed once the deadline of `kind` passed."""
        seconds: float = getattr(self.table, kind)
        deadline = asyncio.timeout(seconds)
        try:
            async with deadline:
                return await work
        except TimeoutError:
            if not deadline.expired():
                raise  # the work's own timeout (aiohttp's, say): its caller handles it
            log.warning(
                "gave up waiting on %s after %.0f s; left for the next cycle", what, seconds
            )
            self.metrics.deadlines_passed.labels(kind).inc()
            raise DeadlinePassed(kind, what, seconds) from None
