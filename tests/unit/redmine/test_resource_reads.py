"""The resource groups' cached and timed reads that replaced raw client calls elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from bot.redmine import Redmine, RedmineClient

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"
ALPHA = {
    "id": 1,
    "name": "Alpha",
    "identifier": "alpha",
    "trackers": [{"id": 1, "name": "Bug"}],
    "time_entry_activities": [{"id": 9, "name": "Design", "active": True}],
    "issue_custom_fields": [{"id": 4, "name": "Severity"}],
}


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client)


@respx.mock
async def test_one_project_read_serves_every_narrower_need(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/projects/1.json").mock(
        return_value=httpx.Response(200, json={"project": ALPHA})
    )
    alice = redmine.as_user("alice")
    project = await alice.projects.get_cached(1)
    activities = await alice.projects.activities_cached(1)
    assert [t.name for t in project.trackers] == ["Bug"]
    assert (project.model_extra or {})["issue_custom_fields"] == [{"id": 4, "name": "Severity"}]
    assert [(a.id, a.name, a.active) for a in activities] == [(9, "Design", True)]
    assert route.call_count == 1  # one cache key per project, whatever the caller needs
    include = route.calls[0].request.url.params["include"].split(",")
    assert set(include) >= {"trackers", "issue_categories", "time_entry_activities"}
    assert "issue_custom_fields" in include
    await redmine.as_user("bob").projects.get_cached(1)
    assert route.call_count == 2  # never one person's answer for another


@respx.mock
async def test_visible_projects_read_every_page_only_when_there_are_more(
    redmine: Redmine,
) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params["limit"])
        ids = range(offset + 1, min(offset + limit, 130) + 1)
        projects = [{"id": i, "name": f"P{i}", "identifier": f"p{i}"} for i in ids]
        return httpx.Response(200, json={"projects": projects, "total_count": 130})

    route = respx.get(f"{URL}/projects.json").mock(side_effect=listing)
    projects = await redmine.projects.visible_cached()
    assert [p.id for p in projects] == list(range(1, 131))
    assert route.call_count == 3  # the cached first page, then both pages in turn


@respx.mock
async def test_get_served_reports_redmines_date_or_none(redmine: Redmine) -> None:
    issue = {"id": 5, "project": {"id": 1, "name": "Alpha"}, "subject": "x"}
    route = respx.get(f"{URL}/issues/5.json").mock(
        side_effect=[
            httpx.Response(
                200, json={"issue": issue}, headers={"Date": "Mon, 23 Nov 2026 21:00:07 GMT"}
            ),
            httpx.Response(200, json={"issue": issue}),
        ]
    )
    fetched, served_at = await redmine.issues.get_served(5, include=("journals", "attachments"))
    assert fetched.id == 5 and served_at == datetime(2026, 11, 23, 21, 0, 7, tzinfo=UTC)
    assert route.calls[0].request.url.params["include"] == "journals,attachments"
    assert (await redmine.issues.get_served(5))[1] is None
    with pytest.raises(ValueError, match="unknown include"):
        await redmine.issues.get_served(5, include=("everything",))


@respx.mock
async def test_current_user_memberships_cached_only_for_impersonated_views(
    redmine: Redmine,
) -> None:
    me = {"id": 2, "login": "alice", "memberships": [{"project": {"id": 1}, "roles": []}]}
    route = respx.get(f"{URL}/users/current.json").mock(
        return_value=httpx.Response(200, json={"user": me})
    )
    alice = redmine.as_user("alice")
    assert (await alice.users.current_with_memberships()).memberships[0]["project"]["id"] == 1
    await alice.users.current_with_memberships()
    assert route.call_count == 1
    assert route.calls[0].request.url.params["include"] == "memberships"
    personal = redmine.with_api_key("f" * 40)
    await personal.users.current_with_memberships()
    await personal.users.current_with_memberships()
    assert route.call_count == 3  # a personal key's "me" is read fresh each time
