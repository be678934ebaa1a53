"""Project memberships are read through the adapter's pager: members past the first 100
are assignable too (Redmine pages memberships with `limit`, at most 100, and `offset`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.actions.choices import assignee_choices
from bot.redmine import Redmine, RedmineClient

URL = "http://redmine.test"


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield Redmine(client)


def membership(n: int) -> dict[str, object]:
    return {
        "id": n,
        "project": {"id": 3, "name": "Big"},
        "user": {"id": 1000 + n, "name": f"Person {n:03d}"},
        "roles": [{"id": 4, "name": "Developer"}],
    }


def memberships_page(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params.get("offset", "0"))
    limit = int(request.url.params.get("limit", "25"))
    page = [membership(n) for n in range(offset, min(offset + limit, 150))]
    return httpx.Response(
        200, json={"memberships": page, "total_count": 150, "offset": offset, "limit": limit}
    )


@respx.mock
async def test_members_past_the_first_page_are_assignable(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/projects/3/memberships.json").mock(side_effect=memberships_page)
    respx.get(f"{URL}/roles.json").respond(200, json={"roles": [{"id": 4, "name": "Developer"}]})
    respx.get(f"{URL}/roles/4.json").respond(
        200, json={"role": {"id": 4, "name": "Developer", "assignable": True}}
    )
    choices = await assignee_choices(redmine, 3)
    assert len(choices) == 150
    assert ("Person 149", "1149") in choices
    assert route.call_count == 2  # two pages of 100
    await assignee_choices(redmine, 3)
    assert route.call_count == 2  # and then from the cache
