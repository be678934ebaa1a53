"""Two workers on one database (replicas, or `web` beside `poll`) post each change once."""

from __future__ import annotations

import asyncio
import uuid

from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import Notifier, make_poller
from tests.integration.notify.test_poller import update


async def test_two_workers_cycling_at_once_post_each_change_once(notifier: Notifier) -> None:
    await notifier.subscribe()
    other = make_poller(notifier.services)  # its own lease holder, caches and locks
    titles = [f"Replica {uuid.uuid4().hex[:8]}" for _ in range(4)]
    ids = [rm.create_issue(notifier.seed, subject=t)["id"] for t in titles]

    reports = await asyncio.gather(notifier.poller.run_cycle(), other.run_cycle())
    assert sorted(r.skipped for r in reports) == [False, True]
    cards = [p for p in notifier.posts() if any(t in p["text"] for t in titles)]
    assert len(cards) == 4

    for issue_id in ids:
        update(notifier, issue_id, "bob", notes=f"note on {issue_id}")
    # A cycle here, a webhook nudge and a cycle there, all at once.
    await asyncio.gather(
        notifier.poller.run_cycle(), other.process_queued(ids[0]), other.run_cycle()
    )
    await asyncio.gather(notifier.poller.run_cycle(), other.run_cycle())
    for issue_id in ids:
        notes = [p for p in notifier.posts() if f"note on {issue_id}" in p["text"]]
        assert len(notes) == 1, (issue_id, notes)
    assert len([p for p in notifier.posts() if any(t in p["text"] for t in titles)]) == 4
