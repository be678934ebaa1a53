"""Saved-query subscriptions end to end: subscribed over signed HTTP as the person, then
poll cycles in which Redmine evaluates the query as the subscriber."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.actions.saved_queries import NO_SUCH_QUERY
from bot.app import open_services
from bot.notify.poller import Poller
from bot.store.repositories import SubscriptionRepository
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import make_poller
from tests.integration.notify.saved_queries import PRIVATE, create_query
from tests.integration.slack_harness import RunningService, response_text, settings_for


@pytest.fixture
async def poller(service: RunningService, tmp_path: Path) -> AsyncIterator[Poller]:
    """The service's poller on the service's own database."""
    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as services:
        yield make_poller(services)


def posts(service: RunningService, channel: str = "CPUBLIC") -> list[dict[str, Any]]:
    return [c.args for c in service.fake.of("chat.postMessage") if c.args["channel"] == channel]


async def fresh_second() -> None:
    # Redmine's timestamps have whole seconds: start on a new one, so the cycle's cursor
    # leaves earlier tests' changes out.
    await asyncio.sleep(1.02 - time.time() % 1)


async def test_a_channel_sees_exactly_the_saved_querys_issues(
    service: RunningService, poller: Poller
) -> None:
    seed = service.seed
    name = f"Urgent bugs {uuid.uuid4().hex[:6]}"
    query_id = create_query(
        seed,
        login="alice",
        name=name,
        project="alpha",
        filters={
            "tracker_id": [str(seed.trackers["Bug"])],
            "priority_id": [str(seed.priorities["Urgent"])],
        },
    )
    service.command(f"subscribe query:{name}", user="UBOB")
    answer = service.wait_response(lambda a: "saved query" in response_text(a))
    assert f"issues of the saved query *{name}* (Alpha)" in answer["text"]
    async with poller.sessions() as session:
        [sub] = await SubscriptionRepository(session).for_channel("CPUBLIC")
        assert (sub.query_id, sub.query_name, sub.project_id) == (
            query_id,
            name,
            seed.projects["alpha"],
        )

    await poller.run_cycle()  # the cursor starts now
    await fresh_second()
    bug, urgent, normal = seed.trackers["Bug"], seed.priorities["Urgent"], seed.priorities["Normal"]
    tag = uuid.uuid4().hex[:6]
    urgent_bug = rm.create_issue(seed, subject=f"Urgent bug {tag}", priority_id=urgent)
    normal_bug = rm.create_issue(seed, subject=f"Normal bug {tag}", priority_id=normal)
    urgent_feature = rm.create_issue(
        seed,
        subject=f"Urgent feature {tag}",
        priority_id=urgent,
        tracker_id=seed.trackers["Feature"],
    )
    assert bug  # the three differ from the query in one field each
    report = await poller.run_cycle()
    assert report.listed >= 3
    shown = " ".join(response_text(p) for p in posts(service))
    assert f"Urgent bug {tag}" in shown
    assert f"Normal bug {tag}" not in shown and f"Urgent feature {tag}" not in shown
    assert urgent_feature["id"] != urgent_bug["id"]

    # The normal bug becomes urgent: it enters the query, and its change is posted.
    await fresh_second()
    with rm.admin(seed) as http:
        http.put(
            f"/issues/{normal_bug['id']}.json",
            json={"issue": {"priority_id": urgent, "notes": "escalated"}},
            headers={"X-Redmine-Switch-User": "alice"},
        ).raise_for_status()
    service.fake.calls.clear()
    await poller.run_cycle()
    shown = " ".join(response_text(p) for p in posts(service))
    assert "escalated" in shown


async def test_a_query_the_person_cannot_see_is_refused(
    service: RunningService, poller: Poller
) -> None:
    name = f"Alice only {uuid.uuid4().hex[:6]}"
    query_id = create_query(
        service.seed,
        login="alice",
        name=name,
        project="alpha",
        filters={"tracker_id": [str(service.seed.trackers["Bug"])]},
        visibility=PRIVATE,
    )
    service.command(f"subscribe query:{query_id}", user="UBOB")
    answer = service.wait_response()
    expected = NO_SUCH_QUERY.format(word=str(query_id), choices="")
    assert answer["text"].startswith(expected.split("Your choices")[0])
    assert name not in answer["text"]  # another person's private query is never named
    async with poller.sessions() as session:
        assert list(await SubscriptionRepository(session).for_channel("CPUBLIC")) == []
    # Redmine itself refuses it to Bob: 403 (checked so the refusal rests on Redmine's word).
    async with httpx.AsyncClient(base_url=service.seed.url, timeout=30) as http:
        refused = await http.get(
            "/issues.json",
            params={"query_id": query_id, "project_id": "alpha"},
            headers={
                "X-Redmine-API-Key": service.seed.admin_key,
                "X-Redmine-Switch-User": "bob",
            },
        )
    assert refused.status_code == 403
