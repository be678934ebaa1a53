"""QueryMatcher over respx: a query is asked only when the change list has candidates,
once per subscription, as its subscriber, newest first, and stops paging past them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from bot.actions.errors import UserFacingError
from bot.actions.subscription_filters import parse_filters
from bot.notify.query_matches import QueryMatcher
from bot.people.identity import Identity, NotLinked
from bot.redmine import Redmine, RedmineClient
from bot.redmine.models import Issue
from bot.store.models import Subscription

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"


class People:
    """The identity resolver's two methods the matcher uses: UALICE is alice, UGONE left."""

    def __init__(self, redmine: Redmine) -> None:
        self.redmine = redmine

    async def resolve(self, slack_user_id: str) -> Identity:
        if slack_user_id == "UGONE":
            raise NotLinked("no such person")
        return Identity(slack_user_id, "alice", 5, "email")

    def redmine_for(self, identity: Identity) -> Redmine:
        return self.redmine.as_user(identity.login)


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client)


def sub(sub_id: int, *, query_id: int, project_id: int = 1, by: str = "UALICE") -> Subscription:
    return Subscription(
        id=sub_id,
        channel_id=f"C{sub_id}",
        project_id=project_id,
        query_id=query_id,
        created_by_slack_user=by,
        digest_minute=None,
    )


def issue(number: int, project: int, updated: str) -> Issue:
    return Issue.model_validate(
        {"id": number, "project": {"id": project, "name": "P"}, "updated_on": updated}
    )


def page(*issues: tuple[int, str]) -> dict[str, Any]:
    return {
        "issues": [
            {"id": n, "project": {"id": 1, "name": "Alpha"}, "updated_on": at} for n, at in issues
        ],
        "total_count": 500,  # a big query: paging must stop on its own
    }


@respx.mock
async def test_queries_are_asked_only_with_candidates_once_each_as_the_subscriber(
    redmine: Redmine,
) -> None:
    respx.get(f"{URL}/projects.json").mock(
        return_value=httpx.Response(
            200,
            json={
                "projects": [
                    {"id": 1, "name": "Alpha", "identifier": "alpha"},
                    {"id": 2, "name": "Sub", "identifier": "sub", "parent": {"id": 1}},
                    {"id": 3, "name": "Other", "identifier": "other"},
                ],
                "total_count": 3,
            },
        )
    )
    queries = respx.get(f"{URL}/issues.json").mock(
        return_value=httpx.Response(
            200,
            json=page(
                (11, "2026-11-23T10:00:05Z"),
                (99, "2026-11-23T09:00:00Z"),  # older than every candidate: stop here
            ),
        )
    )
    matcher = QueryMatcher(People(redmine), redmine)  # type: ignore[arg-type]
    changed = [issue(11, 2, "2026-11-23T10:00:05Z"), issue(12, 1, "2026-11-23T10:00:01Z")]
    found = await matcher.matches(
        [
            sub(1, query_id=7),  # alpha: candidates 11 (subproject) and 12
            sub(2, query_id=8, project_id=3),  # other: no candidate, never asked
            sub(3, query_id=9, project_id=0),  # all projects: asked
            sub(4, query_id=7, by="UGONE"),  # its subscriber left: nothing, never asked
            Subscription(id=5, channel_id="C5", project_id=1, query_id=0),  # a project's
        ],
        changed,
    )
    assert found == {1: {11}, 3: {11}, 4: set()}
    asked = [dict(call.request.url.params) for call in queries.calls]
    assert [(a["query_id"], a.get("project_id"), a["sort"]) for a in asked] == [
        ("7", "1", "updated_on:desc"),
        ("9", None, "updated_on:desc"),
    ]
    assert all(a["offset"] == "0" for a in asked)  # one page each
    assert {c.request.headers["X-Redmine-Switch-User"] for c in queries.calls} == {"alice"}


@respx.mock
async def test_nothing_is_asked_without_changes_and_a_refused_query_shows_nothing(
    redmine: Redmine,
) -> None:
    route = respx.get(f"{URL}/issues.json").mock(return_value=httpx.Response(403))
    matcher = QueryMatcher(People(redmine), redmine)  # type: ignore[arg-type]
    assert await matcher.matches([sub(1, query_id=7, project_id=0)], []) == {}
    assert route.call_count == 0
    changed = [issue(11, 1, "2026-11-23T10:00:05Z")]
    assert await matcher.matches([sub(1, query_id=7, project_id=0)], changed) == {1: set()}
    assert route.call_count == 1


def test_the_digest_filter_reads_a_daily_time() -> None:
    options = parse_filters(["digest:daily@9:05", "trackers:Bug"])
    assert options.digest_minute == 9 * 60 + 5
    assert options.describe().endswith("a daily digest at 09:05 instead of each change")
    for bad in ("digest:weekly@09:00", "digest:daily@24:00", "digest:daily@9"):
        with pytest.raises(UserFacingError, match="digest:daily@09:00"):
            parse_filters([bad])
