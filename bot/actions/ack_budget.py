"""One time budget for every Redmine check a submission makes before its ack.

A view_submission must be acknowledged within 3 seconds (docs.slack.dev/reference/
interaction-payloads/view-interactions-payload; api.slack.com/surfaces/modals): a late
ack makes Slack show an error while the write still happens, and a retry writes twice.
So every check before the ack shares one deadline, taken when the submission arrives,
and past it the person gets a field error with their input intact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from bot.i18n import N_
from bot.slack import limits

T = TypeVar("T")

VALIDATE_SECONDS = limits.ACK_SECONDS - 0.8  # room for the ack to travel back
REDMINE_SLOW = N_("Redmine did not answer in time. Try again in a minute.")


@dataclass(frozen=True)
class AckBudget:
    deadline: float  # event-loop time by which the pre-ack checks must be done

    @classmethod
    def starting_now(cls, seconds: float = VALIDATE_SECONDS) -> AckBudget:
        return cls(asyncio.get_running_loop().time() + seconds)

    async def run(self, work: Awaitable[T]) -> T:
        """`work`'s answer, or TimeoutError once the budget is spent."""
        async with asyncio.timeout_at(self.deadline):
            return await work
