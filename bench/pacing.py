"""One poller cycle timed against Slack's pacing floor, for the fan-out benchmarks.

Slack asks for about one message a second per conversation, and the poller paces each
conversation on its own, so a cycle can be no faster than its busiest conversation: k
messages one second apart take k - 1 seconds after the first. `timed_cycle` makes the
changes, runs one cycle and returns what it posted; `Cycle` says how close to that floor
it came.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.notify.poller import Poller
from tests.support.fakeslack import Call, FakeSlack


@dataclass(frozen=True)
class Cycle:
    seconds: float
    posts: list[Call]
    failed_issues: int

    @property
    def per_conversation(self) -> collections.Counter[str]:
        return collections.Counter(str(p.args["channel"]) for p in self.posts)

    @property
    def busiest(self) -> int:
        return max(self.per_conversation.values())

    @property
    def floor(self) -> float:
        return float(self.busiest - 1)

    def verdict(self, where: str) -> str:
        return (
            f"cycle {self.seconds:.1f} s; pacing floor {self.floor:.0f} s "
            f"({self.busiest} messages at 1/s in the busiest {where}): "
            f"{self.seconds / self.floor:.2f}x the floor (goal: within 1.2x)"
        )


async def timed_cycle(
    poller: Poller, fake: FakeSlack, change: Callable[[], Any], requests: list[str]
) -> Cycle:
    """After the poller's first cycle (its cursor starts then), make the changes and time
    the one cycle that delivers them; `requests` is emptied first, to hold that cycle's."""
    await asyncio.sleep(1.1)  # Redmine's updated_on has one-second steps
    change()
    await asyncio.sleep(1.1)
    requests.clear()
    before = len(fake.of("chat.postMessage"))
    started = time.perf_counter()
    report = await poller.run_cycle()
    seconds = time.perf_counter() - started
    return Cycle(seconds, fake.of("chat.postMessage")[before:], len(report.failed_issues))


def request_line(requests: list[str]) -> str:
    kinds = collections.Counter(requests)
    return f"Redmine requests in the cycle: {len(requests)} = " + ", ".join(
        f"{n} {kind}" for kind, n in kinds.most_common()
    )
